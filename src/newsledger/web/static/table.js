// newsledger web app: the events table (datasette-style): sortable columns, facet counts that filter when
// clicked, text search over summaries, paging; a row opens its evidence. Reads /api/table.
// Uses el() and showEvent() from app.js. Text from the ledger is only ever set as textContent.
"use strict";

const TABLE_COLUMNS = [["day", "day"], ["type", "type"], ["actors", "who"], ["host", "where"], ["status", "status"],
  ["quantity", "how many"], ["sources", "sources"], [null, "summary"]];
const FACET_NAMES = ["type", "status", "actor", "host", "month"];
const table = { filters: {}, q: "", sort: "day", desc: true, limit: 25, offset: 0, last: null };

function setTableFilter(name, value) {
  if (value) table.filters[name] = value; else delete table.filters[name];
  table.offset = 0;
  return loadTable();
}

function setTableRange(range) {
  table.filters.date_from = range ? range[0] : null;
  table.filters.date_to = range ? range[1] : null;
  table.offset = 0;
  return loadTable();
}

function tableQuery(extra = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(table.filters)) if (v) p.set(k, v);
  if (table.q) p.set("q", table.q);
  p.set("sort", table.sort);
  p.set("desc", String(table.desc));
  p.set("limit", String(extra.limit ?? table.limit));
  p.set("offset", String(extra.offset ?? table.offset));
  return p;
}

async function loadTable() {  // filters can change faster than answers come: only the latest is drawn
  const seq = table.seq = (table.seq || 0) + 1, data = await getJSON(`/api/table?${tableQuery()}`);
  if (seq !== table.seq) return;
  table.last = data;
  drawFacets(data.facets);
  drawRows(data);
  document.body.dataset.tableTotal = String(data.total);
}

function drawFacets(facets) {
  const box = document.getElementById("facets");
  box.replaceChildren();
  for (const name of FACET_NAMES) {
    const div = el("div", { class: "facet", "data-facet": name });
    const chosen = table.filters[name];
    div.appendChild(el("h4", {}, name));
    if (chosen) {
      const b = el("button", { type: "button", class: "chosen", title: "remove this filter" }, `${chosen} ✕`);
      b.onclick = () => { delete table.filters[name]; table.offset = 0; loadTable(); };
      div.appendChild(b);
    }
    const ul = el("ul");
    for (const f of facets[name] || []) {
      if (f.value === chosen) continue;
      const li = el("li"), b = el("button", { type: "button", class: "facet-value", "data-value": f.value }, f.value);
      b.onclick = () => { table.filters[name] = f.value; table.offset = 0; loadTable(); };
      li.append(b, el("span", { class: "count" }, f.count.toLocaleString()));
      ul.appendChild(li);
    }
    div.appendChild(ul);
    box.appendChild(div);
  }
}

function qtyText(r) {
  if (r.qty_min == null && r.qty_max == null) return "";
  return r.qty_min === r.qty_max || r.qty_max == null ? (r.qty_min ?? r.qty_max).toLocaleString()
    : `${(r.qty_min ?? 0).toLocaleString()}–${r.qty_max.toLocaleString()}`;
}

function drawRows(data) {
  const t = document.getElementById("eventsTable");
  t.replaceChildren();
  const head = el("tr");
  for (const [key, label] of TABLE_COLUMNS) {
    const th = el("th", key ? { "data-sort": key, "aria-sort": table.sort === key ? (table.desc ? "descending" : "ascending") : "none" } : {});
    if (key) {
      const b = el("button", { type: "button", class: "sort" }, label + (table.sort === key ? (table.desc ? " ▼" : " ▲") : ""));
      b.onclick = () => { table.desc = table.sort === key ? !table.desc : key !== "type" && key !== "actors" && key !== "host" && key !== "status"; table.sort = key; table.offset = 0; loadTable(); };
      th.appendChild(b);
    } else th.textContent = label;
    head.appendChild(th);
  }
  t.appendChild(head);
  for (const r of data.rows) {
    const tr = el("tr", { class: "row", tabindex: 0, "data-id": r.id });
    tr.append(el("td", {}, r.day || ""), el("td", {}, r.type + (r.mode ? "/" + r.mode : "")),
      el("td", {}, r.actors.join(" ") + (r.recipients.length ? " → " + r.recipients.join(" ") : "")), el("td", {}, r.host || ""),
      el("td", {}, r.status || ""), el("td", { class: "num" }, qtyText(r)), el("td", { class: "num" }, r.n_sources),
      el("td", { class: "summary" }, r.summary));
    tr.onclick = () => showEvent(r.id);
    tr.onkeydown = ev => { if (ev.key === "Enter") showEvent(r.id); };
    t.appendChild(tr);
  }
  const last = Math.min(data.offset + data.rows.length, data.total);
  document.getElementById("tablePage").textContent = data.total ? `${data.offset + 1}–${last} of ${data.total.toLocaleString()}` : "no events match";
  document.getElementById("tablePrev").disabled = data.offset === 0;
  document.getElementById("tableNext").disabled = last >= data.total;
}

async function exportView(kind) {  // the table's current filters, every matching row (up to 5,000)
  const rows = [];
  for (let offset = 0; offset < 5000; offset += 500) {
    const page = await getJSON(`/api/table?${tableQuery({ limit: 500, offset })}`);
    rows.push(...page.rows);
    if (offset + 500 >= page.total) break;
  }
  let blob;
  if (kind === "csv") {
    const cols = ["id", "day", "type", "mode", "actors", "recipients", "host", "status", "qty_min", "qty_max", "n_sources", "n_mentions", "summary"];
    const cell = v => { const s = Array.isArray(v) ? v.join(" ") : v == null ? "" : String(v); return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
    blob = new Blob([[cols.join(","), ...rows.map(r => cols.map(c => cell(r[c])).join(","))].join("\r\n") + "\r\n"], { type: "text/csv" });
  } else {
    const features = rows.filter(r => r.host && state.capitals[r.host]).map(r => ({ type: "Feature", id: r.id,
      geometry: { type: "Point", coordinates: state.capitals[r.host] }, properties: { ...r, point: "capital" } }));
    blob = new Blob([JSON.stringify({ type: "FeatureCollection", features })], { type: "application/geo+json" });
  }
  const a = el("a", { href: URL.createObjectURL(blob), download: `newsledger-events.${kind === "csv" ? "csv" : "geojson"}` });
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function wireTable() {
  const form = document.getElementById("tableSearch");
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    table.q = document.getElementById("tableQ").value.trim();
    table.offset = 0;
    loadTable();
  });
  document.getElementById("tablePrev").onclick = () => { table.offset = Math.max(0, table.offset - table.limit); loadTable(); };
  document.getElementById("tableNext").onclick = () => { table.offset += table.limit; loadTable(); };
  document.getElementById("exportCsv").onclick = () => exportView("csv");
  document.getElementById("exportGeo").onclick = () => exportView("geojson");
}
