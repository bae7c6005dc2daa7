// newsledger web app: where a sentence comes from. The outlet (site name from the URL), a link, the
// publication date, the article opened with the sentence highlighted in context, and "copy citation".
// Uses el() and getJSON() from app.js. Article text is untrusted: only ever set as textContent.
"use strict";

function outletOf(source) {
  try {
    const u = new URL(source);
    if (u.protocol === "http:" || u.protocol === "https:") return { name: u.hostname.replace(/^www\./, ""), url: u.href };
  } catch (e) { /* a file path, not a URL */ }
  return { name: source.split(/[\\/]/).filter(Boolean).pop() || source, url: null };
}

function citation(m) {
  const o = outletOf(m.source);
  return `${o.name}${m.published ? ", " + m.published : ""}: “${m.sentence}”${o.url ? " " + o.url : " (" + m.source + ")"}`;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {  // no clipboard permission: select the text for a manual copy
    const area = el("textarea", { class: "citation", readonly: "" });
    area.value = text;
    button.after(area);
    area.select();
  }
  button.dataset.copied = text;
  button.textContent = "copied ✓";
}

function provenanceMeta(m) {
  const meta = el("div", { class: "meta" }), o = outletOf(m.source);
  meta.appendChild(el("span", { class: "published" }, m.published || "undated"));
  meta.appendChild(el("span", {}, " · "));
  meta.appendChild(o.url ? el("a", { class: "outlet", href: o.url, rel: "noopener noreferrer", target: "_blank" }, o.name)
    : el("span", { class: "outlet", title: m.source }, o.name));
  if (m.status) meta.appendChild(el("span", {}, ` · ${m.status}`));
  const open = el("button", { type: "button", class: "open-article" }, "read in context");
  open.onclick = () => showArticle(m, open.closest(".mention"));
  const copy = el("button", { type: "button", class: "copy-citation" }, "copy citation");
  copy.onclick = () => copyText(citation(m), copy);
  meta.append(" ", open, " ", copy);
  return meta;
}

async function showArticle(m, where) {
  const old = where.querySelector(".article-text");
  if (old) { old.remove(); return; }
  const a = await getJSON(`/api/articles/${encodeURIComponent(m.article_id)}`);
  const box = el("div", { class: "article-text" });
  if (a.title) box.appendChild(el("h4", {}, a.title));
  const p = el("p");
  const start = Math.max(0, Math.min(m.start, a.text.length)), end = Math.max(start, Math.min(m.end, a.text.length));
  p.append(document.createTextNode(a.text.slice(0, start)), el("mark", { class: "evidence" }, a.text.slice(start, end)),
    document.createTextNode(a.text.slice(end)));
  box.appendChild(p);
  where.appendChild(box);
  box.querySelector("mark.evidence").scrollIntoView({ block: "center" });
}
