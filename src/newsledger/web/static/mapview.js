// newsledger web app: pan and zoom of the map with any pointer (mouse drag and wheel, one-finger drag,
// two-finger pinch), by moving the SVG's viewBox. A press that does not move stays a click; a
// double-click (or double-tap) goes back to the fitted window.
"use strict";

const mapView = { box: [0, 0, 1000, 760], home: [0, 0, 1000, 760], pointers: new Map(), dragged: false };

function setMapBox(box) {
  mapView.box = box;
  document.getElementById("map").setAttribute("viewBox", box.map(v => v.toFixed(1)).join(" "));
  document.body.dataset.mapView = box.map(v => v.toFixed(0)).join(" ");
}

function homeMap(box) { mapView.home = box.slice(); setMapBox(box.slice()); }

function svgPoint(clientX, clientY) {  // a pointer's position in the map's own units
  const m = document.getElementById("map"), ctm = m.getScreenCTM();
  if (!ctm) return [mapView.box[0] + mapView.box[2] / 2, mapView.box[1] + mapView.box[3] / 2];
  const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
  return [p.x, p.y];
}

function zoomMap(factor, [cx, cy]) {  // factor < 1 zooms in; the point under (cx, cy) stays put
  const [x, y, w, h] = mapView.box, nw = Math.min(Math.max(w * factor, mapView.home[2] / 16), 1600), f = nw / w;
  setMapBox([cx - (cx - x) * f, cy - (cy - y) * f, nw, h * f]);
}

function panMap(dxClient, dyClient) {
  const ctm = document.getElementById("map").getScreenCTM(), s = ctm ? ctm.a : 1, [x, y, w, h] = mapView.box;
  setMapBox([x - dxClient / s, y - dyClient / s, w, h]);
}

function pinch() {  // the two pointers' distance and midpoint, in client pixels
  const [a, b] = [...mapView.pointers.values()];
  return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function onMapPointerMove(ev) {
  const p = mapView.pointers.get(ev.pointerId);
  if (!p) return;
  const before = mapView.pointers.size === 2 ? pinch() : null;
  const dx = ev.clientX - p.x, dy = ev.clientY - p.y;
  if (!mapView.dragged && Math.hypot(ev.clientX - p.x0, ev.clientY - p.y0) < 4 && !before) return;
  if (!mapView.dragged) { mapView.dragged = true; ev.currentTarget.setPointerCapture(ev.pointerId); }
  p.x = ev.clientX; p.y = ev.clientY;
  if (before) {
    const after = pinch();
    panMap(after.x - before.x, after.y - before.y);
    zoomMap(before.d / after.d, svgPoint(after.x, after.y));
  } else if (mapView.pointers.size === 1) panMap(dx, dy);
  ev.preventDefault();
}

function wireMapView() {
  const m = document.getElementById("map");
  m.addEventListener("pointerdown", ev => {
    if (ev.button > 0) return;
    if (!mapView.pointers.size) mapView.dragged = false;
    mapView.pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY, x0: ev.clientX, y0: ev.clientY });
  });
  m.addEventListener("pointermove", onMapPointerMove);
  const up = ev => { mapView.pointers.delete(ev.pointerId); };
  m.addEventListener("pointerup", up);
  m.addEventListener("pointercancel", up);
  m.addEventListener("click", ev => { if (mapView.dragged) { ev.stopPropagation(); ev.preventDefault(); } }, true);
  m.addEventListener("wheel", ev => {
    ev.preventDefault();
    zoomMap(ev.deltaY > 0 ? 1.2 : 1 / 1.2, svgPoint(ev.clientX, ev.clientY));
  }, { passive: false });
  m.addEventListener("dblclick", () => setMapBox(mapView.home.slice()));
}
