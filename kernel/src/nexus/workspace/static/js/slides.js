// The Slides editor: the deck's Yjs structure as Slides' model keeps it (a Map "deck" with
// the size in points, an Array "slides" of Maps {id, layout, notes: Text, elements: Array of
// Maps {id, type, x, y, w, h, text: Text, shape, fill, font_size}}), and a present mode.

import { driveImage, join, presence } from "./collab.js";
import { t } from "./i18n.js";
import { h } from "./ui.js";

const SHAPES = ["rectangle", "rounded_rectangle", "ellipse", "triangle", "right_arrow", "star"];
const newId = () => Math.random().toString(36).slice(2, 10);

// A textarea bound to a Y.Text: a local edit becomes one delete and one insert at the
// changed span (so two people typing in one box merge), a remote one replaces the value.
function bindText(area, text) {
  area.value = text.toString();
  const typed = () => {
    const before = text.toString();
    const after = area.value;
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
    let end = 0;
    while (end < before.length - start && end < after.length - start &&
      before[before.length - 1 - end] === after[after.length - 1 - end]) end += 1;
    text.doc.transact(() => {
      if (before.length - start - end) text.delete(start, before.length - start - end);
      if (after.length - start - end) text.insert(start, after.slice(start, after.length - end));
    });
  };
  area.addEventListener("input", typed);
  const observer = (event) => {
    if (event.transaction.local) return;
    const caret = area.selectionStart;
    area.value = text.toString();
    area.setSelectionRange(caret, caret);
  };
  text.observe(observer);
  return () => { text.unobserve(observer); area.removeEventListener("input", typed); };
}

// One element placed on a slide of `width` × `height` points, in percentages of it.
function place(node, element, width, height) {
  node.style.left = `${(element.get("x") / width) * 100}%`;
  node.style.top = `${(element.get("y") / height) * 100}%`;
  node.style.width = `${(element.get("w") / width) * 100}%`;
  node.style.height = `${(element.get("h") / height) * 100}%`;
  if (element.get("fill")) node.style.backgroundColor = `#${element.get("fill")}`;
  // cqw: a hundredth of the canvas's width (a container), so text scales with the slide.
  if (element.get("font_size")) node.style.fontSize = `${(element.get("font_size") / width) * 100}cqw`;
}

function renderSlide(slide, size, { editable, unbind = [], onMove = null }) {
  const canvas = h("div", { class: "slide-canvas" });
  canvas.style.aspectRatio = `${size.width} / ${size.height}`;
  for (const element of slide.get("elements").toArray()) {
    const type = element.get("type");
    const node = h("div", { class: `slide-element ${type} ${type === "shape" ? `shape-${element.get("shape")}` : ""}`, "data-element": element.get("id") });
    place(node, element, size.width, size.height);
    const text = element.get("text");
    if (type === "image") {
      // A picture is a Drive file (imported decks): fetched with the token, as a data: URL.
      const img = h("img", { alt: "", class: "slide-picture" });
      driveImage(element.get("image")).then((url) => { img.src = url; });
      node.append(img);
    } else if (editable && text) {
      const area = h("textarea", { "aria-label": t("slides.text"), class: "slide-text" });
      unbind.push(bindText(area, text));
      const handle = h("span", { class: "slide-handle", title: t("slides.move"), "aria-hidden": "true" });
      handle.addEventListener("pointerdown", (event) => onMove(event, element, canvas));
      node.append(area, handle);
    } else {
      node.append(h("span", { class: "slide-text" }, text ? text.toString() : ""));
    }
    canvas.append(node);
  }
  return canvas;
}

export async function slidesView(section, fileId) {
  const { doc, provider, Y, readOnly } = await join(fileId);
  const deck = doc.getMap("deck");
  const slides = doc.getArray("slides");
  const size = () => ({ width: deck.get("width") || 960, height: deck.get("height") || 540 });
  let current = 0;
  let unbind = [];
  let pending = false;

  const list = h("ol", { class: "slide-list", id: "slide-list", "aria-label": t("slides.slides") });
  const stage = h("div", { class: "slide-stage", id: "slide-stage" });
  const notes = h("textarea", { id: "slide-notes", class: "slide-notes", "aria-label": t("slides.notes"), placeholder: t("slides.notes") });
  const shape = h("select", { id: "slide-shape", "aria-label": t("slides.shape") }, SHAPES.map((s) => h("option", { value: s }, t(`slides.shape.${s}`))));
  const slide = () => slides.get(Math.min(current, slides.length - 1));

  function addSlide() {
    slides.insert(Math.min(current + 1, slides.length), [new Y.Map([
      ["id", newId()], ["layout", "blank"], ["notes", new Y.Text()], ["elements", new Y.Array()]])]);
    current = Math.min(current + 1, slides.length - 1);
  }

  function addElement(fields) {
    if (!slide()) addSlide();
    const { width, height } = size();
    const elements = slide().get("elements");
    const step = elements.length % 6; // each new element below the last, not on top of it
    elements.push([new Y.Map(Object.entries({
      id: newId(), x: width * (0.08 + 0.04 * step), y: height * (0.06 + 0.14 * step), w: width * 0.4, h: height * 0.18,
      text: new Y.Text(), ...fields,
    }))]);
  }

  // Dragging a handle moves its element; the position is written once, when dropped.
  function onMove(event, element, canvas) {
    event.preventDefault();
    const box = canvas.getBoundingClientRect();
    const scale = size().width / box.width;
    const start = { x: event.clientX, y: event.clientY, ex: element.get("x"), ey: element.get("y") };
    const node = event.target.closest(".slide-element");
    const at = (e) => ({ x: Math.max(0, start.ex + (e.clientX - start.x) * scale), y: Math.max(0, start.ey + (e.clientY - start.y) * scale) });
    const follow = (e) => { const p = at(e); node.style.left = `${(p.x / size().width) * 100}%`; node.style.top = `${(p.y / size().height) * 100}%`; };
    const drop = (e) => {
      removeEventListener("pointermove", follow);
      removeEventListener("pointerup", drop);
      const p = at(e);
      doc.transact(() => { element.set("x", p.x); element.set("y", p.y); });
    };
    addEventListener("pointermove", follow);
    addEventListener("pointerup", drop);
  }

  function render() {
    // While one types, the bound texts update themselves; the rest waits for the focus to leave.
    if (section.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") { pending = true; return; }
    pending = false;
    unbind.forEach((f) => f());
    unbind = [];
    list.replaceChildren(...slides.toArray().map((s, index) => {
      const first = s.get("elements").toArray().find((e) => e.get("text") && e.get("text").length);
      const item = h("li", {}, h("button", { type: "button", "aria-current": index === current ? "true" : "false", "data-slide": String(index + 1) },
        `${index + 1}. ${first ? first.get("text").toString().slice(0, 24) : ""}`));
      item.firstChild.addEventListener("click", () => { current = index; render(); });
      return item;
    }));
    stage.replaceChildren(slide() ? renderSlide(slide(), size(), { editable: !readOnly, unbind, onMove }) : h("p", {}, t("slides.empty")));
    if (slide()) unbind.push(bindText(notes, slide().get("notes")));
    notes.disabled = !slide() || readOnly;
  }

  function present() {
    let showing = current;
    const screen = h("div", { class: "presenting", id: "present", role: "dialog", "aria-label": t("slides.present"), tabindex: "0" });
    const show = () => screen.replaceChildren(renderSlide(slides.get(showing), size(), { editable: false }),
      h("span", { class: "present-count" }, `${showing + 1} / ${slides.length}`));
    const close = () => { document.removeEventListener("keydown", keys); screen.remove(); if (document.fullscreenElement) document.exitFullscreen().catch(() => {}); };
    const keys = (event) => {
      if (["ArrowRight", "PageDown", " "].includes(event.key)) showing = Math.min(showing + 1, slides.length - 1);
      else if (["ArrowLeft", "PageUp"].includes(event.key)) showing = Math.max(showing - 1, 0);
      else if (event.key === "Escape") { close(); return; }
      else return;
      event.preventDefault();
      show();
    };
    screen.addEventListener("click", () => { showing = Math.min(showing + 1, slides.length - 1); show(); });
    document.addEventListener("keydown", keys);
    document.addEventListener("fullscreenchange", () => { if (!document.fullscreenElement && screen.isConnected && screen.dataset.full) close(); });
    document.body.append(screen);
    show();
    screen.focus();
    // Full screen when the browser grants it; the overlay fills the window either way.
    if (screen.requestFullscreen) screen.requestFullscreen().then(() => { screen.dataset.full = "1"; }).catch(() => {});
  }

  const button = (id, label, action) => h("button", { type: "button", id, onclick: () => { action(); render(); } }, label);
  section.append(
    h("div", { class: "editor-bar" }, h("div", { class: "toolbar", role: "toolbar", "aria-label": t("slides.insert") },
      readOnly ? h("span", { id: "read-only" }, t("editor.read_only")) : [
        button("slide-add", t("slides.add"), addSlide),
        button("slide-text", t("slides.add_text"), () => addElement({ type: "text", font_size: 24 })),
        shape,
        button("slide-shape-add", t("slides.add_shape"), () => addElement({ type: "shape", shape: shape.value, fill: "1F77B4" }))],
      h("button", { type: "button", id: "slide-present", class: "primary", onclick: () => { if (slides.length) present(); } }, t("slides.present"))),
    presence(provider)),
    h("div", { class: "slides-editor" }, list, h("div", { class: "slide-main" }, stage, notes)));
  doc.on("update", (_update, _origin, _doc, transaction) => { if (!transaction.local) render(); });
  section.addEventListener("focusout", () => { if (pending) setTimeout(render); });
  render();
}
