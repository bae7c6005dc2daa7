// The review panel: deployment lines kept off the map and the totals (/api/review), each with why and
// its evidence. Standalone (no dependency on app.js); evidence text is untrusted: only set as textContent.
"use strict";
(function () {
  function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
  function figure(l) {
    if (l.min == null && l.max == null) return "—";
    if (l.max == null) return `>${l.min.toLocaleString()}`;
    return l.min === l.max || l.min == null ? l.max.toLocaleString() : `${l.min.toLocaleString()}–${l.max.toLocaleString()}`;
  }
  async function load() {
    const table = document.getElementById("reviewTable");
    if (!table) return;
    const r = await fetch("/api/review?limit=200");
    if (!r.ok) return;
    const items = await r.json();
    document.getElementById("reviewCount").textContent = `(${items.length})`;
    const head = document.createElement("tr");
    for (const h of ["from", "to", "what", "how many", "why", "evidence"]) head.appendChild(cell("th", h));
    table.replaceChildren(head);
    for (const l of items) {
      const tr = document.createElement("tr");
      tr.append(cell("td", l.senders.join(", ") || "—"), cell("td", l.host), cell("td", l.mode), cell("td", figure(l)),
                cell("td", l.review), cell("td", `${l.summary} [${l.sources.join(", ")}]`));
      table.appendChild(tr);
    }
  }
  // fetched when the panel is first opened, so the page's first load asks for nothing more
  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.querySelector("#reviewPanel details");
    if (!panel) return;
    let loaded = false;
    panel.addEventListener("toggle", () => {
      if (panel.open && !loaded) { loaded = true; load().catch(() => { loaded = false; }); }
    });
  });
})();
