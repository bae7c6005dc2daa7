// newsledger web app: the view in the address, as a deep link:
//   #day=2022-02-20&type=MOBILIZE&host=POL&from=2022-02-01&to=2022-02-28&layers=buildup&status=arrived&event=ID
// read on load and on every hashchange (a link followed after load, back and forward), written (replaced,
// not pushed) as the view changes. Keys left out mean the default: last day, all types, hosts, dates, layers.
"use strict";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
let hashTimer = null;
let knownHash = "";  // the address as the page last read or wrote it

function viewHash() {
  const p = new URLSearchParams(), day = state.days[Number(document.getElementById("day").value)];
  if (day && day !== state.days[state.days.length - 1]) p.set("day", day);
  if (state.type) p.set("type", state.type);
  if (state.host) p.set("host", state.host);
  if (state.range) { p.set("from", state.range[0]); p.set("to", state.range[1]); }
  if (mapFilter.layers.size < Object.keys(LAYERS).length) p.set("layers", [...mapFilter.layers].join(","));
  if (mapFilter.statuses.size < Object.keys(STATUS_GROUPS).length) p.set("status", [...mapFilter.statuses].join(","));
  if (state.shown) p.set("event", state.shown);
  const s = p.toString();
  return s ? "#" + s : "";
}

function writeHash() {  // debounced: a replay moves the day many times a second
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    if (location.hash !== knownHash) return;  // a link came in that the page has not applied yet: its hashchange will
    const h = viewHash();
    if (h !== location.hash) history.replaceState(null, "", h || location.pathname + location.search);
    knownHash = location.hash;
  }, 150);
}

function hashList(value, all) {
  return value === null ? new Set(all) : new Set(value.split(",").filter(x => all.includes(x)));
}

// Puts the page in the view the address names; returns the posture day it shows.
function applyHash() {
  knownHash = location.hash;
  const p = new URLSearchParams(location.hash.replace(/^#/, ""));
  const type = TYPE_COLOURS[p.get("type")] ? p.get("type") : "";
  if (type !== state.type) setType(type);
  const host = /^[A-Z]{2,6}$/.test(p.get("host") || "") ? p.get("host") : null;
  if (host !== (state.host || null)) setHost(host);
  mapFilter.layers = hashList(p.get("layers"), Object.keys(LAYERS));
  mapFilter.statuses = hashList(p.get("status"), Object.keys(STATUS_GROUPS));
  syncToggles();
  const [from, to] = [p.get("from"), p.get("to")];
  const range = ISO_DAY.test(from || "") && ISO_DAY.test(to || "") ? [from, to].sort() : null;
  if (String(range) !== String(state.range || null)) setRange(range, false);
  const slider = document.getElementById("day"), i = state.days.indexOf(p.get("day"));
  if (i >= 0 || !range) slider.value = i >= 0 ? i : slider.max;
  onDay();
  const event = p.get("event");
  if (event && event !== state.shown) { state.shown = event; showEvent(event); }
  return state.days[Number(slider.value)];
}
