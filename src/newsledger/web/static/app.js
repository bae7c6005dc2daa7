// newsledger web app: force-posture map, zoomable timeline, date replay, evidence panel.
// Article text is untrusted: it is only ever inserted with textContent / createTextNode.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const BOX = { lon0: -12, lon1: 50, lat0: 33, lat1: 72 };
const TYPE_COLOURS = {
  MOBILIZE: "#1f77b4", RETREAT: "#7fb8d8", ASSAULT: "#d62728", SANCTION: "#ff7f0e", CONSULT: "#2ca02c",
  REQUEST: "#9467bd", REJECT: "#8c564b", THREATEN: "#e377c2", ACCUSE: "#bcbd22", AID: "#17becf",
  SUPPORT: "#98df8a", AGREE: "#aec7e8", CONCEDE: "#c5b0d5", COOPERATE: "#c49c94", PROTEST: "#f7b6d2", COERCE: "#7f7f7f",
};
const MODE_COLOURS = { troops: "#1f77b4", aircraft: "#2ca02c", naval: "#17becf", air_defense: "#9467bd",
  armor: "#8c564b", equipment: "#7f7f7f", mixed: "#ff7f0e", forces: "#1f77b4" };

const state = { countries: null, capitals: {}, timeline: [], days: [], view: null, type: "", selected: null, timer: null,
  posture: new Map() };  // posture: URL -> Promise of its /api/posture answer (replay reads each day once)

function el(tag, attrs = {}, text = null, ns = null) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = String(text);
  return node;
}
const svg = (tag, attrs = {}, text = null) => el(tag, attrs, text, SVGNS);

async function getJSON(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// -- map ------------------------------------------------------------------------------------------
const K = Math.cos(((BOX.lat0 + BOX.lat1) / 2) * Math.PI / 180);
function project([lon, lat]) {
  const w = (BOX.lon1 - BOX.lon0) * K, h = BOX.lat1 - BOX.lat0, s = Math.min(1000 / w, 760 / h);
  return [((lon - BOX.lon0) * K) * s, (BOX.lat1 - lat) * s];
}

function drawCountries() {
  const map = document.getElementById("map");
  map.replaceChildren();
  const defs = svg("defs");
  for (const [mode, colour] of Object.entries(MODE_COLOURS)) {
    const m = svg("marker", { id: `head-${mode}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 5,
      markerHeight: 5, orient: "auto-start-reverse" });
    m.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    defs.appendChild(m);
  }
  map.appendChild(defs);
  const g = svg("g", { id: "countries" });
  for (const f of state.countries.features) {
    const d = f.geometry.coordinates.map(poly => poly.map(ring =>
      "M" + ring.map(p => project(p).map(v => v.toFixed(1)).join(",")).join("L") + "Z").join("")).join("");
    const path = svg("path", { d, class: "country", "data-code": f.properties.code });
    path.appendChild(svg("title", {}, `${countryName(f.properties.code)} (${f.properties.code})`));
    g.appendChild(path);
    if (f.properties.capital) state.capitals[f.properties.code] = f.properties.capital;
  }
  map.appendChild(g);
  map.appendChild(svg("g", { id: "arrows" }));
  map.appendChild(svg("g", { id: "labels" }));
}


const countryName = code => (state.countries.names || {})[code] || code;

// The map's window (SVG viewBox): fitted once to the hosts and the senders on the map, 1000:760.
function fitMap(hosts) {
  const pts = [];
  for (const h of hosts) {
    if (state.capitals[h.host]) pts.push(project(state.capitals[h.host]));
    for (const l of h.lines) for (const s of l.senders) if (state.capitals[s]) pts.push(project(state.capitals[s]));
  }
  if (pts.length < 2) return;
  const xs = pts.map(p => p[0]), ys = pts.map(p => p[1]), pad = 60;
  let x0 = Math.min(...xs) - pad, x1 = Math.max(...xs) + pad, y0 = Math.min(...ys) - pad, y1 = Math.max(...ys) + pad;
  const w = Math.max(x1 - x0, (y1 - y0) * 1000 / 760, 300), h = w * 760 / 1000, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  state.fit = [Math.max(0, cx - w / 2), Math.max(0, cy - h / 2), Math.min(w, 1000), Math.min(h, 760)];
  homeMap(state.fit);
}

const onMap = ([x, y]) => { const [a, b, w, h] = state.fit || [0, 0, 1000, 760]; return x >= a && x <= a + w && y >= b && y <= b + h; };

function atEdge(p, towards) {  // a sender off the map starts its arrow at the map's edge, on the way in
  if (onMap(p)) return p;
  const [a, b, w, h] = state.fit || [0, 0, 1000, 760], inset = 12;
  let t = 1;
  for (const [v, lo, hi, d] of [[p[0], a + inset, a + w - inset, towards[0] - p[0]], [p[1], b + inset, b + h - inset, towards[1] - p[1]]]) {
    if (v < lo && d > 0) t = Math.min(t, 1 - (lo - v) / d);
    if (v > hi && d < 0) t = Math.min(t, 1 - (v - hi) / -d);
  }
  const s = 1 - t;
  return [p[0] + (towards[0] - p[0]) * s, p[1] + (towards[1] - p[1]) * s];
}

const POSTURE_LINES = 60;  // per host, the most recent (the totals still count every line)
const LATEST_POSTURE = `/api/posture?lines=${POSTURE_LINES}`;

// On or after the last publication the posture "as known" is the ledger's whole posture, read from its
// view (fast at any size) instead of rebuilt from the articles published by then.
const postureUrl = day => state.knownTo && day >= state.knownTo ? LATEST_POSTURE : `/api/posture?at=${day}&lines=${POSTURE_LINES}`;

function fetchPosture(url) {  // each posture is fetched once (replay reads the page's cache)
  if (!state.posture.has(url)) {
    const p = getJSON(url);
    p.catch(() => state.posture.delete(url));  // a failed fetch is tried again next time
    state.posture.set(url, p);
  }
  return state.posture.get(url);
}

const postureOn = day => fetchPosture(postureUrl(day));

async function showPosture(day, tries = 3) {
  let hosts;
  try {
    [hosts] = await Promise.all([postureOn(day), state.mapReady]);
  } catch (err) {  // a busy or restarting server: the day is asked again (the failed fetch left the cache)
    if (tries > 1) { await new Promise(ok => setTimeout(ok, 500)); return showPosture(day, tries - 1); }
    document.getElementById("legend").replaceChildren(el("div", { class: "row conflict" }, `Could not load the posture of ${day}: ${err.message}`));
    return;
  }
  if (state.days[Number(document.getElementById("day").value)] !== day) return;  // the slider moved on
  state.shownPosture = { hosts, day };
  drawPosture(hosts, day);
}

function redrawPosture() {  // a toggle changed: the same day, drawn again from the page's cache
  if (state.shownPosture) drawPosture(state.shownPosture.hosts, state.shownPosture.day);
  writeHash();
}

function drawPosture(hosts, day) {
  const shading = hostShading(hosts);
  for (const path of document.querySelectorAll("#countries .country")) {
    const code = path.dataset.code, shade = shading.get(code);
    path.classList.toggle("host", !!shade);
    path.classList.toggle("chosen", !!shade && code === state.host);
    path.style.fill = shade ? shade.fill : "";
    path.dataset.layer = shade ? shade.layer : "";
    path.onclick = shade ? () => { showHost(hosts.find(h => h.host === code), day); filterHost(code); } : null;
  }
  if (!state.fit) fitMap(hosts);
  drawArrows(hosts);
  const legend = document.getElementById("legend"), layers = new Set([...shading.values()].flatMap(s => s.layers));
  legend.replaceChildren(el("div", { class: "row" }, `Forces received as known on ${day}`),
    ...Object.keys(LAYERS).filter(l => layers.has(l)).map(legendRamp),
    modeKey(), el("div", { class: "row muted" }, "arrow line: dotted pledged · dashed under way · solid arrived"));
  document.body.dataset.postureDay = day;
}

function modeKey() {  // the arrows' colours, one wrapped row
  const r = el("div", { class: "row modes" });
  r.appendChild(el("span", {}, "arrows:"));
  for (const [m, c] of Object.entries(MODE_COLOURS)) if (m !== "forces") {
    const sw = el("span", { class: "swatch" });
    sw.style.background = c;
    r.append(sw, el("span", {}, m.replace("_", " ")));
  }
  return r;
}

function drawArrows(hosts) {  // one arrow per sender, host and mode of the lines shown; labels for both ends
  const arrows = document.getElementById("arrows"), labels = document.getElementById("labels");
  arrows.replaceChildren();
  labels.replaceChildren();
  const named = new Set();
  const label = (code, [x, y], cls = "label") => {
    if (named.has(code)) return;
    named.add(code);
    const [a, , w] = state.fit || [0, 0, 1000], edge = cls.includes("offmap");  // off-map: inside the edge
    labels.appendChild(svg("text", { x, y: y + 14, class: cls, "text-anchor": !edge ? "middle" : x < a + w / 2 ? "start" : "end" },
      countryName(code)));
  };
  const shown = hosts.map(h => ({ host: h.host, lines: h.lines.filter(l => lineShown(l)) })).filter(h => h.lines.length);
  const biggest = Math.max(1, ...shown.flatMap(h => h.lines.map(l => l.max ?? l.min ?? 0)));
  const drawn = new Set();
  for (const h of shown) {
    const to = state.capitals[h.host];
    if (!to) continue;
    for (const l of h.lines) for (const s of l.senders) {
      const from = state.capitals[s] || (state.countries.seats || {})[s] || (state.countries.away || {})[s];
      const key = `${s}>${h.host}>${l.mode}`;
      if (!from || drawn.has(key)) continue;
      drawn.add(key);
      const [x2, y2] = project(to), [x1, y1] = atEdge(project(from), [x2, y2]);
      const fig = l.max ?? l.min ?? 0, group = statusGroup(l.status), layer = layerOf(l);
      if (s === h.host) {  // a build-up on the state's own soil: a ring at home, sized by its figure
        const ring = svg("circle", { cx: x2, cy: y2, r: (5 + 14 * Math.sqrt(fig / biggest)).toFixed(2), fill: "none",
          class: `arrow home status-${group.replace(" ", "-")} layer-${layer}`, stroke: MODE_COLOURS[l.mode] || "#1f77b4",
          "stroke-width": 2.5, "data-host": h.host, "data-layer": layer, "data-status": group });
        ring.appendChild(svg("title", {}, `${s}, on its own soil: ${l.mode} ${fmtQty(l)} (${l.status}; ${LAYERS[layer].label})`));
        if (state.host && state.host !== h.host) ring.classList.add("dim");
        arrows.appendChild(ring);
        continue;
      }
      label(s, [x1, y1], onMap(project(from)) ? "label sender" : "label sender offmap");
      const mx = (x1 + x2) / 2 - (y2 - y1) * 0.15, my = (y1 + y2) / 2 + (x2 - x1) * 0.15;
      const path = svg("path", { d: `M${x1},${y1} Q${mx},${my} ${x2},${y2}`, class: `arrow status-${group.replace(" ", "-")} layer-${layer}`,
        stroke: MODE_COLOURS[l.mode] || "#1f77b4", "stroke-width": (1 + 7 * Math.sqrt(fig / biggest)).toFixed(2),
        "marker-end": `url(#head-${MODE_COLOURS[l.mode] ? l.mode : "forces"})`, "data-host": h.host, "data-layer": layer,
        "data-status": group });
      path.appendChild(svg("title", {}, `${s} → ${h.host}: ${l.mode} ${fmtQty(l)} (${l.status}; ${LAYERS[layer].label})`));
      if (state.host && state.host !== h.host) path.classList.add("dim");
      arrows.appendChild(path);
    }
    label(h.host, project(to));
  }
}

function filterHost(code) { setHost(state.host === code ? null : code); }  // a click toggles

function setHost(code) {  // a chosen host: its arrows stand out, the table shows the events placed there
  state.host = code;
  for (const a of document.querySelectorAll("#map .arrow")) a.classList.toggle("dim", !!state.host && a.dataset.host !== state.host);
  for (const p of document.querySelectorAll("#map .country.host")) p.classList.toggle("chosen", p.dataset.code === state.host);
  setTableFilter("host", state.host);
  writeHash();
}

function setType(type) {  // the event type shown on the timeline and in the table
  state.type = type;
  document.getElementById("typeFilter").value = type;
  drawTimeline();
  setTableFilter("type", type || null);
  writeHash();
}

function fmtQty(l) {
  if (l.min == null && l.max == null) return "no figure";
  if (l.min != null && l.max != null) return l.min === l.max ? `${l.approx ? "~" : ""}${l.min.toLocaleString()}` : `${l.min.toLocaleString()}–${l.max.toLocaleString()}`;
  return l.min != null ? `>${l.min.toLocaleString()}` : `≤${l.max.toLocaleString()}`;
}

function showHost(h, day) {
  const body = document.getElementById("evidenceBody");
  body.replaceChildren(el("h3", {}, `${h.host}: forces received (as known on ${day})`));
  const totals = h.totals.map(t => `${t.mode} ${t.min.toLocaleString()}${t.max == null ? "+" : t.max !== t.min ? "–" + t.max.toLocaleString() : ""}`).join("; ");
  body.appendChild(el("p", {}, totals ? `In force: ${totals}` : "No figures in force."));
  const table = el("table", { class: "lines" });
  const head = el("tr");
  for (const c of ["from", "what", "how many", "status", "last report", ""]) head.appendChild(el("th", {}, c));
  table.appendChild(head);
  for (const l of h.lines) {
    const tr = el("tr");
    tr.append(el("td", {}, l.senders.join(", ")), el("td", {}, l.mode), el("td", {}, fmtQty(l) + (l.shared_with.length ? ` (with ${l.shared_with.join(", ")})` : "")),
      el("td", {}, l.status || ""), el("td", {}, l.last_reported || ""));
    const td = el("td");
    const b = el("button", { type: "button" }, "evidence");
    b.onclick = () => showEvent(l.event_id);
    td.appendChild(b);
    tr.appendChild(td);
    table.appendChild(tr);
  }
  body.appendChild(table);
}

// -- evidence -------------------------------------------------------------------------------------
function highlighted(sentence, spans) {
  const p = el("p");
  let at = 0;
  for (const h of spans) {
    if (h.start < at || h.end > sentence.length) continue;  // overlapping or out of range: leave as text
    if (h.start > at) p.appendChild(document.createTextNode(sentence.slice(at, h.start)));
    p.appendChild(el("mark", { class: h.kind, title: h.kind }, sentence.slice(h.start, h.end)));
    at = h.end;
  }
  p.appendChild(document.createTextNode(sentence.slice(at)));
  return p;
}

function sourceNode(source) {
  try {
    const u = new URL(source);
    if (u.protocol === "http:" || u.protocol === "https:") return el("a", { href: u.href, rel: "noopener noreferrer", target: "_blank" }, u.hostname + u.pathname);
  } catch (e) { /* a file path, not a URL */ }
  return el("span", {}, source);
}

async function showEvent(id) {
  const body = document.getElementById("evidenceBody");
  let ev;
  try { ev = await getJSON(`/api/events/${encodeURIComponent(id)}`); }
  catch (e) { body.replaceChildren(el("p", {}, `Event not found: ${id}`)); return; }
  const head = el("div", { class: "event-head" });
  head.append(el("span", { class: "tag" }, ev.type + (ev.mode ? "/" + ev.mode : "")),
    el("span", { class: `tag status-${ev.status}` }, ev.status || "no status"));
  head.appendChild(el("h3", {}, `${ev.actors.join(", ")}${ev.recipients.length ? " → " + ev.recipients.join(", ") : ""}` +
    (ev.location ? ` @ ${ev.location.name || ev.location.country}` : "")));
  const facts = [];
  if (ev.date) facts.push(`date ${ev.date} (${ev.date_precision})`);
  if (ev.quantity) facts.push(`figure ${fmtQty(ev.quantity)} ${ev.quantity.unit || ""}`);
  facts.push(`${ev.n_mentions} mention(s), ${ev.n_sources} source(s), first reported ${ev.first_reported || "?"}`);
  head.appendChild(el("p", { class: "muted" }, facts.join(" · ")));
  if (ev.status_history.length) head.appendChild(el("p", {}, "Status: " + ev.status_history.map(h => `${h.status} (${h.reported || "?"})`).join(" → ")));
  for (const c of ev.conflicts) head.appendChild(el("p", { class: "conflict" }, `Conflicting figures on ${c.reported}: ` + c.figures.map(f => `${fmtQty(f)} (${f.source})`).join(" vs ")));
  body.replaceChildren(head);
  for (const m of ev.mentions) {
    const div = el("div", { class: "mention" });
    div.append(provenanceMeta(m), highlighted(m.sentence, m.highlights || []));
    body.appendChild(div);
  }
  state.shown = id;
  writeHash();
}

// -- questions ------------------------------------------------------------------------------------
async function askQuestion(question) {
  const body = document.getElementById("evidenceBody");
  body.replaceChildren(el("p", { class: "muted" }, "Thinking…"));
  let a;
  try { a = await getJSON(`/api/ask?q=${encodeURIComponent(question)}`); }
  catch (e) { body.replaceChildren(el("p", { class: "conflict" }, `Could not answer: ${e.message}`)); return; }
  body.replaceChildren(el("h3", {}, a.question), el("p", { class: "answer" }, a.answer));
  if (a.items.length) {
    const ul = el("ul", { class: "items" });
    for (const item of a.items) ul.appendChild(el("li", {}, item));
    body.appendChild(ul);
  }
  for (const c of a.caveats) body.appendChild(el("p", { class: "caveat" }, "⚠ " + c));
  if (a.citations.length) body.appendChild(el("h3", {}, a.search_method ? `Closest sentences (${a.search_method})` : "Evidence"));
  for (const c of a.citations) {
    const div = el("div", { class: "mention" });
    const meta = el("div", { class: "meta" });
    meta.append(el("span", {}, `${c.published || "undated"} · `), sourceNode(c.source));
    if (c.event_id) {
      const b = el("button", { type: "button", class: "open-event" }, "open event");
      b.onclick = () => showEvent(c.event_id);
      meta.append(el("span", {}, " · "), b);
    }
    div.append(meta, el("p", {}, c.sentence));
    body.appendChild(div);
  }
}

// -- timeline -------------------------------------------------------------------------------------
// Drawn from /api/timeline's per-day aggregates (one mark per day and type, sized by its event count),
// never from all the events; a mark opens that day's events of that type.
const DAY = 86400000;

// Ticks as [time, label, is a month start]: month starts always (every second or third month over a long
// period), and days between them when the view is short enough to read them.
function timeTicks(v0, v1) {
  const span = (v1 - v0) / DAY, out = [];
  if (span > 60) {  // month starts, labelled "Jan 2022" (every other month when the period is long)
    const every = span > 500 ? 3 : span > 200 ? 2 : 1, d = new Date(v0);
    for (let m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)); m <= v1;
      m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
      if (m.getUTCMonth() % every === 0) out.push([m.getTime(), monthName(m), true]);
    }
    return out;
  }
  const step = span > 20 ? 7 : span > 8 ? 2 : 1;
  for (let d = Math.ceil(v0 / DAY / step) * step * DAY; d <= v1; d += step * DAY) {
    const day = new Date(d);
    if (day.getUTCDate() !== 1) out.push([d, day.toISOString().slice(5, 10), false]);
  }
  const d0 = new Date(v0);
  for (let m = new Date(Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + 1, 1)); m <= v1;
    m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) out.push([m.getTime(), monthName(m), true]);
  return out.sort((a, b) => a[0] - b[0]);
}

const monthName = m => m.toLocaleString("en", { month: "short", year: "numeric", timeZone: "UTC" });

function timeAt(clientX) {  // the day under a pointer on the timeline, as YYYY-MM-DD
  const r = document.getElementById("timeline").getBoundingClientRect(), [v0, v1] = state.view;
  const x = (clientX - r.left) / r.width * 1400;
  return new Date(v0 + (x - 90) / (1400 - 100) * (v1 - v0)).toISOString().slice(0, 10);
}

// A brushed date range (shift-drag on the timeline, or a drag after "select dates") filters the table, the timeline's marks and the
// evidence it opens, and puts the map on the range's last day.
function setRange(range, moveDay = true) {
  state.range = range && range[0] !== range[1] ? range : null;
  document.getElementById("rangeLabel").textContent = state.range ? `${state.range[0]} – ${state.range[1]}` : "";
  document.getElementById("clearRange").hidden = !state.range;
  document.body.dataset.range = state.range ? state.range.join("/") : "";
  setTableRange(state.range);
  if (state.range && moveDay) {
    const i = state.days.indexOf(state.range[1]), slider = document.getElementById("day");
    slider.value = i >= 0 ? i : state.range[1] > state.days[state.days.length - 1] ? slider.max : 0;
  }
  drawTimeline();
  onDay();
}

const inRange = day => !state.range || (state.range[0] <= day && day <= state.range[1]);

const timeX = ms => 90 + (ms - state.view[0]) / (state.view[1] - state.view[0]) * (1400 - 90 - 10);

function moveNowLine() {  // the replay's day on the timeline, moved without redrawing the marks
  const line = document.querySelector("#timeline line.now"), day = state.days[Number(document.getElementById("day").value)];
  if (!line || !day) return;
  const x = timeX(Date.parse(day)).toFixed(1);
  line.setAttribute("x1", x);
  line.setAttribute("x2", x);
}

function drawTimeline(brushing = null) {
  const t = document.getElementById("timeline");
  t.replaceChildren();
  const entries = state.timeline.filter(e => (!state.type || e.type_counts[state.type]) && (brushing || inRange(e.date)));
  const types = Object.keys(TYPE_COLOURS).filter(k => (!state.type || k === state.type) && entries.some(e => e.type_counts[k]));
  const [v0, v1] = state.view, W = 1400, left = 90, H = 260, laneH = Math.min(22, (H - 30) / Math.max(types.length, 1));
  const x = d => timeX(Date.parse(d));
  for (const [d, label, month] of timeTicks(v0, v1)) {
    const xx = timeX(d);
    if (xx < left) continue;
    t.append(svg("line", { x1: xx, x2: xx, y1: 0, y2: H - 18, class: month ? "grid month" : "grid" }),
      svg("text", { x: xx, y: H - 4, class: month ? "tick month" : "tick", "text-anchor": month ? "start" : "middle" }, label));
  }
  types.forEach((k, i) => t.appendChild(svg("text", { x: 4, y: 14 + i * laneH + laneH / 2, class: "lane" }, k)));
  const sel = brushing || state.range;
  if (sel) t.appendChild(svg("rect", { x: x(sel[0]), y: 0, width: Math.max(1, x(sel[1]) - x(sel[0])), height: H - 18, class: "brush" }));
  const nowDay = state.days[Number(document.getElementById("day").value)];
  if (nowDay) t.appendChild(svg("line", { x1: x(nowDay), x2: x(nowDay), y1: 0, y2: H - 18, class: "now" }));
  for (const e of entries) {
    const cx = x(e.date);
    if (cx < left || cx > W) continue;
    for (const k of types) {
      const n = e.type_counts[k];
      if (!n) continue;
      const c = svg("circle", { cx: cx.toFixed(1), cy: 14 + types.indexOf(k) * laneH + laneH / 2,
        r: Math.min(3 + 2 * Math.sqrt(n), 11), fill: TYPE_COLOURS[k], "data-day": e.date, "data-type": k,
        class: state.selected === `${e.date}|${k}` ? "selected" : "" });
      c.appendChild(svg("title", {}, `${e.date} ${k}: ${n} event(s)${e.type_counts[k] === e.n_events ? " — " + e.summary : ""}`));
      c.addEventListener("click", () => showDay(e, k));
      t.appendChild(c);
    }
  }
}

async function showDay(entry, type) {  // the day's events of one type, as the timeline placed them
  state.selected = `${entry.date}|${type}`;
  for (const c of document.querySelectorAll("#timeline circle")) c.classList.toggle("selected", `${c.dataset.day}|${c.dataset.type}` === state.selected);
  const day = encodeURIComponent(entry.date);  // the page holds counts only: the day's ids come on demand
  const [one] = await getJSON(`/api/timeline?type=${type}&date_from=${day}&date_to=${day}`).catch(() => []);
  const ids = one && one.date === entry.date ? one.events.slice(0, 60) : [];
  const all = await Promise.all(ids.map(id => getJSON(`/api/events/${encodeURIComponent(id)}`).catch(() => null)));
  const items = all.filter(ev => ev && ev.type === type);
  if (items.length === 1) return showEvent(items[0].id);
  const body = document.getElementById("evidenceBody");
  body.replaceChildren(el("h3", {}, `${entry.date}: ${items.length} ${type} events`));
  const ul = el("ul", { class: "day-events" });
  for (const ev of items) {
    const li = el("li"), b = el("button", { type: "button", class: "open-event" }, "evidence");
    b.onclick = () => showEvent(ev.id);
    li.append(el("span", {}, `${ev.actors.join(", ")}${ev.recipients.length ? " → " + ev.recipients.join(", ") : ""}: ${ev.summary} `), b);
    ul.appendChild(li);
  }
  body.appendChild(ul);
}

function zoom(factor, centreFrac = 0.5) {
  const [v0, v1] = state.view, span = v1 - v0, c = v0 + span * centreFrac;
  const ns = Math.max(3 * DAY, Math.min(span * factor, state.full[1] - state.full[0] + 20 * DAY));
  state.view = [c - ns * centreFrac, c + ns * (1 - centreFrac)];
  drawTimeline();
}

function wireTimeline() {
  const t = document.getElementById("timeline");
  t.addEventListener("wheel", ev => {
    ev.preventDefault();
    const r = t.getBoundingClientRect();
    zoom(ev.deltaY > 0 ? 1.25 : 0.8, Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)));
  }, { passive: false });
  let drag = null, brush = null;  // pointer events: a mouse, a pen or a finger pans the timeline
  const brushButton = document.getElementById("brushMode");  // a finger has no shift key: the next drag selects
  const brushNext = on => { brushButton.setAttribute("aria-pressed", String(on)); t.classList.toggle("brushing", on); };
  brushButton.onclick = () => brushNext(brushButton.getAttribute("aria-pressed") !== "true");
  t.addEventListener("pointerdown", ev => {
    if (ev.shiftKey || brushButton.getAttribute("aria-pressed") === "true") brush = { from: timeAt(ev.clientX) };
    else drag = { x: ev.clientX, view: state.view.slice() };
  });
  window.addEventListener("pointerup", ev => {
    if (brush) {
      const a = brush.from, b = timeAt(ev.clientX);
      brush = null;
      brushNext(false);
      setRange(a < b ? [a, b] : [b, a]);
    }
    drag = null;
  });
  window.addEventListener("pointermove", ev => {
    if (brush) { drawTimeline([brush.from, timeAt(ev.clientX)].sort()); return; }
    if (!drag) return;
    const r = t.getBoundingClientRect(), dt = (ev.clientX - drag.x) / r.width * (drag.view[1] - drag.view[0]);
    state.view = [drag.view[0] - dt, drag.view[1] - dt];
    drawTimeline();
  });
  document.getElementById("clearRange").onclick = () => setRange(null);
  document.getElementById("zoomIn").onclick = () => zoom(0.6);
  document.getElementById("zoomOut").onclick = () => zoom(1.6);
  document.getElementById("zoomAll").onclick = () => { state.view = state.full.slice(); drawTimeline(); };
  const sel = document.getElementById("typeFilter");
  for (const k of Object.keys(TYPE_COLOURS)) sel.appendChild(el("option", { value: k }, k));
  sel.onchange = () => setType(sel.value);
}

// -- replay ---------------------------------------------------------------------------------------
let pending = null;
function onDay() {
  const day = state.days[Number(document.getElementById("day").value)];
  document.getElementById("dayLabel").textContent = day || "—";
  moveNowLine();
  clearTimeout(pending);
  pending = setTimeout(() => day && showPosture(day), state.posture.has(postureUrl(day)) ? 0 : 60);
  writeHash();
}

function wireReplay() {
  const slider = document.getElementById("day"), play = document.getElementById("play");
  slider.addEventListener("input", onDay);
  play.onclick = () => {
    if (state.timer) { clearInterval(state.timer); state.timer = null; play.textContent = "▶ replay"; return; }
    if (Number(slider.value) >= Number(slider.max)) slider.value = 0;
    play.textContent = "❚❚ pause";
    state.timer = setInterval(() => {
      if (Number(slider.value) >= Number(slider.max)) { play.click(); return; }
      slider.value = Number(slider.value) + 1;
      onDay();
    }, 250 / Number(document.getElementById("speed").value));
  };
  const step = n => { slider.value = Math.min(Number(slider.max), Math.max(0, Number(slider.value) + n)); onDay(); };  // ±Infinity: the ends
  document.getElementById("stepBack").onclick = () => step(-1);
  document.getElementById("stepOn").onclick = () => step(1);
  document.getElementById("speed").onchange = () => {
    document.body.dataset.speed = document.getElementById("speed").value;
    if (state.timer) { play.click(); play.click(); }
  };
  const speed = document.getElementById("speed");
  const faster = n => { speed.selectedIndex = Math.min(speed.options.length - 1, Math.max(0, speed.selectedIndex + n)); speed.onchange(); };
  const keys = { ArrowLeft: () => step(-1), ArrowRight: () => step(1), PageUp: () => step(-7), PageDown: () => step(7),
    Home: () => step(-Infinity), End: () => step(Infinity), " ": () => play.click(), k: () => play.click(),
    "[": () => faster(-1), "]": () => faster(1), "-": () => faster(-1), "+": () => faster(1) };
  document.addEventListener("keydown", ev => {  // replay from the keyboard, unless typing in a field
    if (ev.target.closest("input, select, textarea, button") || ev.ctrlKey || ev.metaKey || ev.altKey || !keys[ev.key]) return;
    keys[ev.key]();
    ev.preventDefault();
  });
}

// -- start ----------------------------------------------------------------------------------------
// The shapes, the counts, the per-day timeline and the latest posture load in parallel and each is drawn
// when it arrives; the events table (below the fold) loads once the map is shaded.
async function start() {
  if (!/[#&]day=/.test(location.hash)) fetchPosture(LATEST_POSTURE);  // the map's first fetch, at once
  state.mapReady = getJSON("/api/countries").then(c => { state.countries = c; drawCountries(); });
  const counted = getJSON("/api/stats").then(stats => {
    document.getElementById("stats").textContent =
      `${stats.unique_articles} articles · ${stats.mentions} mentions · ${stats.events} events · reported ${stats.first_published || "?"} to ${stats.last_published || "?"}`;
    return stats;
  });
  state.timeline = await getJSON("/api/timeline?counts_only=true");
  state.knownTo = ((await counted.catch(() => ({}))).last_published || "").slice(0, 10) || null;
  const dates = state.timeline.map(e => e.date);
  const first = dates.length ? dates[0] : new Date().toISOString().slice(0, 10);
  const last = [dates[dates.length - 1] || first, state.knownTo || first].sort()[1];  // the replay ends when all is known
  for (let d = Date.parse(first); d <= Date.parse(last); d += DAY) state.days.push(new Date(d).toISOString().slice(0, 10));
  const slider = document.getElementById("day");
  slider.max = Math.max(0, state.days.length - 1);
  slider.value = slider.max;
  state.full = [Date.parse(first) - 2 * DAY, Date.parse(last) + 2 * DAY];
  state.view = state.full.slice();
  const lastDay = state.days[state.days.length - 1];
  wireTimeline();
  wireReplay();
  wireTable();
  wireMapView();
  drawToggles(redrawPosture);
  document.getElementById("askForm").addEventListener("submit", ev => {
    ev.preventDefault();
    const q = document.getElementById("question").value.trim();
    if (q) askQuestion(q);
  });
  document.getElementById("dayLabel").textContent = lastDay || "—";
  drawTimeline();
  await state.mapReady;
  const day = applyHash();
  if (day) await showPosture(day);
  if (!table.seq) loadTable();  // unless a deep link's filters loaded it already
  window.addEventListener("hashchange", applyHash);  // deep links work after load too
  document.body.dataset.ready = "1";
}

start().catch(err => {
  document.getElementById("evidenceBody").replaceChildren(el("p", { class: "conflict" }, `Could not load the ledger: ${err.message}`));
});
