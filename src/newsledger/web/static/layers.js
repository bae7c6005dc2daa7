// newsledger web app: the posture map's layers and toggles. Forces an ally sends (reinforcement), a state's
// build-up on its own soil or an ally's next door (Russia in Belarus), and forces put on alert (readiness)
// are different things: each layer has its own colour ramp and its own toggle. The status toggles group
// a deployment's stages: pledged (considered, announced), under way, arrived (completed).
"use strict";

const LAYERS = {
  reinforcement: { label: "allied reinforcements", ramp: [[253, 224, 197], [227, 74, 51]] },
  buildup: { label: "build-up (own soil or an ally's)", ramp: [[222, 214, 238], [84, 39, 143]] },
  readiness: { label: "readiness (on alert)", ramp: [[214, 240, 220], [35, 132, 67]] },
};
const STATUS_GROUPS = { pledged: ["considered", "announced"], "under way": ["underway"], arrived: ["completed"] };
const mapFilter = { layers: new Set(Object.keys(LAYERS)), statuses: new Set(Object.keys(STATUS_GROUPS)) };

// A posture line's layer is the server's (the posture stage owns alliances, borders and readiness cues).
function layerOf(line) {
  return LAYERS[line.layer] ? line.layer : "reinforcement";
}

function statusGroup(status) {
  for (const [group, statuses] of Object.entries(STATUS_GROUPS)) if (statuses.includes(status)) return group;
  return "pledged";
}

const lineShown = line => mapFilter.layers.has(layerOf(line)) && mapFilter.statuses.has(statusGroup(line.status));

function layerColour(layer, t) {  // t in 0..1 along the layer's own ramp
  const [a, b] = LAYERS[layer].ramp;
  return `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * t)).join(",")})`;
}

// Per host, the forces of the lines shown, by layer; the host takes the colour of its largest layer.
function hostShading(hosts) {
  const out = new Map(), maxOf = {};
  for (const h of hosts) {
    const by = {};
    for (const l of h.lines) if (lineShown(l)) {
      const layer = layerOf(l);
      by[layer] = (by[layer] || 0) + (l.max ?? l.min ?? 0);
    }
    const layers = Object.keys(by);
    if (!layers.length) continue;
    const top = layers.sort((x, y) => by[y] - by[x])[0], size = Math.max(1, by[top]);
    out.set(h.host, { layer: top, size, layers });
    maxOf[top] = Math.max(maxOf[top] || 10, size);
  }
  for (const s of out.values()) s.fill = layerColour(s.layer, Math.log10(s.size) / Math.log10(maxOf[s.layer]));
  return out;
}

function legendRamp(layer) {
  const r = el("div", { class: "row", "data-layer": layer }), ramp = el("span", { class: "ramp" });
  ramp.style.background = `linear-gradient(90deg, ${layerColour(layer, 0)}, ${layerColour(layer, 1)})`;
  r.append(ramp, el("span", {}, `${LAYERS[layer].label}: few → many (log)`));
  return r;
}

function toggleBox(kind, value, label, onChange) {  // kind: "layer" or "status"
  const id = `toggle-${kind}-${value.replace(/\W/g, "_")}`, lab = el("label", { for: id });
  const box = el("input", { type: "checkbox", id, "data-kind": kind, "data-value": value });
  const set = () => mapFilter[kind === "layer" ? "layers" : "statuses"];  // a deep link replaces the sets
  box.checked = set().has(value);
  box.onchange = () => { if (box.checked) set().add(value); else set().delete(value); onChange(); };
  lab.append(box, document.createTextNode(" " + label));
  return lab;
}

// The toggles, once: a layer row (each with its ramp's dark end as a swatch) and a status row.
function drawToggles(onChange) {
  const box = document.getElementById("mapToggles");
  const layers = el("div", { class: "toggle-row" }, null), statuses = el("div", { class: "toggle-row" });
  layers.appendChild(el("span", { class: "muted" }, "layers"));
  for (const [layer, spec] of Object.entries(LAYERS)) {
    const t = toggleBox("layer", layer, spec.label, onChange), sw = el("span", { class: "swatch" });
    sw.style.background = layerColour(layer, 1);
    t.insertBefore(sw, t.lastChild);
    layers.appendChild(t);
  }
  statuses.appendChild(el("span", { class: "muted" }, "status"));
  for (const group of Object.keys(STATUS_GROUPS)) statuses.appendChild(toggleBox("status", group, group, onChange));
  box.replaceChildren(layers, statuses);
}

function syncToggles() {  // after a deep link set the filters
  for (const b of document.querySelectorAll("#mapToggles input[type=checkbox]"))
    b.checked = (b.dataset.kind === "layer" ? mapFilter.layers : mapFilter.statuses).has(b.dataset.value);
}
