// The Sheets grid: the workbook's Yjs structure as Sheets' model keeps it (an Array "sheets"
// of Maps {name, cells: {A1: {value, formula, format}}, cols, charts}); a formula cell shows
// the value the server computed last, replaced live when its recalculation arrives.

import { post } from "./api.js";
import { join, presence } from "./collab.js";
import { lang, t } from "./i18n.js";
import { h } from "./ui.js";

const MIN_ROWS = 20;
const MIN_COLS = 8;
const REF = /^([A-Z]{1,3})([1-9][0-9]*)$/;
const SETTLE_MS = 700;

const letters = (n) => { let s = ""; for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };
const columnIndex = (col) => [...col].reduce((sum, c) => sum * 26 + c.charCodeAt(0) - 64, 0) - 1;

// "#,##0.00" → two decimals, grouped; "0%" → a percentage; else the number as it is.
export function display(value, format = {}) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "number") return String(value);
  const pattern = format.number_format || "";
  if (!pattern || pattern === "General") return new Intl.NumberFormat(lang, { maximumFractionDigits: 10 }).format(value);
  const decimals = (pattern.split(".")[1] || "").replace(/[^0#]/g, "").length;
  const percent = pattern.includes("%");
  return new Intl.NumberFormat(lang, {
    style: percent ? "percent" : "decimal", useGrouping: pattern.includes(","),
    minimumFractionDigits: decimals, maximumFractionDigits: decimals,
  }).format(value);
}

// What the user typed, as Sheets' model holds it: a formula, a number, a text, or nothing.
function parse(text) {
  const trimmed = text.trim();
  if (!trimmed) return { value: null, formula: null };
  if (trimmed.startsWith("=")) return { value: null, formula: trimmed };
  const number = Number(trimmed);
  return { value: trimmed !== "" && Number.isFinite(number) ? number : trimmed, formula: null };
}

export async function sheetsView(section, fileId) {
  const { doc, provider, Y, readOnly } = await join(fileId);
  const sheets = doc.getArray("sheets");
  let current = 0;
  let selected = "A1";

  const tabs = h("div", { class: "sheet-tabs", role: "tablist", "aria-label": t("sheets.sheets") });
  const where = h("output", { id: "sheet-ref", class: "sheet-ref" }, selected);
  const bar = h("input", { id: "formula-bar", class: "formula-bar", "aria-label": t("sheets.formula"), autocomplete: "off" });
  const bold = h("button", { type: "button", id: "sheet-bold", "aria-pressed": "false" }, t("editor.bold"));
  const align = h("select", { id: "sheet-align", "aria-label": t("sheets.align") },
    ["", "left", "center", "right"].map((a) => h("option", { value: a }, a ? t(`sheets.align.${a}`) : "—")));
  const colour = h("input", { type: "color", id: "sheet-colour", "aria-label": t("sheets.colour"), value: "#000000" });
  const numbers = h("select", { id: "sheet-number-format", "aria-label": t("sheets.number_format") },
    ["", "0", "0.00", "#,##0.00", "0%"].map((f) => h("option", { value: f }, f || "General")));
  const grid = h("div", { class: "sheet-grid", id: "sheet-grid", tabindex: "0" });
  for (const control of [bar, bold, align, colour, numbers]) control.disabled = readOnly;

  const sheet = () => sheets.get(Math.min(current, sheets.length - 1));
  const cellOf = (ref) => sheet() && sheet().get("cells").get(ref);
  const plainCell = (ref) => { const c = cellOf(ref); return c ? c.toJSON() : null; };

  function cellMap(ref) {
    const cells = sheet().get("cells");
    if (!cells.has(ref)) cells.set(ref, new Y.Map([["value", null], ["formula", null], ["format", new Y.Map()]]));
    return cells.get(ref);
  }

  // Collab publishes a document's change at most once a second and holds back the last
  // ones until its last client leaves, so once the user's edits settle the editor asks
  // Sheets to recalculate now; the new values arrive over the socket like anyone's edit.
  let settle = null;
  const recalculate = () => {
    clearTimeout(settle);
    settle = setTimeout(() => post(`/api/v1/sheets/workbooks/${encodeURIComponent(fileId)}/recalculate`).catch(() => {}), SETTLE_MS);
  };

  function write(ref, text) {
    const { value, formula } = parse(text);
    doc.transact(() => {
      const cell = cellMap(ref);
      cell.set("formula", formula);
      // A formula keeps its last value until the server's recalculation replaces it.
      if (!formula) cell.set("value", value);
    });
    recalculate();
  }

  function setFormat(key, value) {
    doc.transact(() => {
      const format = cellMap(selected).get("format");
      if (value === null || value === "" || value === false) format.delete(key);
      else format.set(key, value);
    });
  }

  function select(ref) {
    selected = ref;
    where.textContent = ref;
    const cell = plainCell(ref);
    bar.value = cell ? (cell.formula || (cell.value ?? "")) : "";
    const format = (cell && cell.format) || {};
    bold.setAttribute("aria-pressed", String(Boolean(format.bold)));
    align.value = format.align || "";
    numbers.value = format.number_format || "";
    colour.value = `#${format.color || "000000"}`;
    for (const td of grid.querySelectorAll("td[aria-selected=true]")) td.setAttribute("aria-selected", "false");
    const td = grid.querySelector(`td[data-ref="${ref}"]`);
    if (td) td.setAttribute("aria-selected", "true");
  }

  function move(rows, cols) {
    const [, col, row] = REF.exec(selected);
    select(`${letters(Math.max(0, columnIndex(col) + cols))}${Math.max(1, Number(row) + rows)}`);
  }

  function renderTabs() {
    const names = sheets.toArray().map((s) => s.get("name"));
    tabs.replaceChildren(...names.map((name, index) => {
      const tab = h("button", { type: "button", role: "tab", "aria-selected": String(index === current), "data-sheet": name }, name);
      tab.addEventListener("click", () => { current = index; render(); });
      return tab;
    }));
  }

  function addSheet() {
    const taken = new Set(sheets.toArray().map((s) => String(s.get("name")).toUpperCase()));
    let n = sheets.length + 1;
    while (taken.has(`SHEET${n}`)) n += 1;
    sheets.push([new Y.Map([["name", `Sheet${n}`], ["cells", new Y.Map()], ["cols", new Y.Map()], ["charts", new Y.Array()]])]);
    current = sheets.length - 1;
    render();
  }

  function renderGrid() {
    const cells = sheet() ? sheet().get("cells").toJSON() : {};
    let rows = MIN_ROWS;
    let cols = MIN_COLS;
    for (const ref of Object.keys(cells)) {
      const match = REF.exec(ref);
      if (!match) continue;
      rows = Math.max(rows, Number(match[2]) + 5);
      cols = Math.max(cols, columnIndex(match[1]) + 2);
    }
    const head = h("tr", {}, h("th", {}), Array.from({ length: cols }, (_, c) => h("th", { scope: "col" }, letters(c))));
    const body = Array.from({ length: rows }, (_, r) => h("tr", {}, h("th", { scope: "row" }, String(r + 1)),
      Array.from({ length: cols }, (_, c) => {
        const ref = `${letters(c)}${r + 1}`;
        const cell = cells[ref];
        const format = (cell && cell.format) || {};
        const td = h("td", { role: "gridcell", "data-ref": ref, "aria-selected": String(ref === selected), class: [format.bold ? "bold" : "", format.align ? `align-${format.align}` : "", typeof (cell && cell.value) === "number" ? "number" : ""].join(" ").trim() },
          cell ? display(cell.value, format) : "");
        if (format.color) td.style.color = `#${format.color}`;
        if (cell && cell.formula) td.title = cell.formula;
        return td;
      })));
    grid.replaceChildren(h("table", { class: "sheet", role: "grid", "aria-label": t("sheets.sheets") }, h("thead", {}, head), h("tbody", {}, body)));
  }

  function render() {
    renderTabs();
    renderGrid();
    if (document.activeElement !== bar) select(selected);
  }

  grid.addEventListener("click", (event) => {
    const td = event.target.closest("td[data-ref]");
    if (td) { select(td.dataset.ref); bar.focus(); }
  });
  grid.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) { event.preventDefault(); move(...moves[event.key]); }
    else if (event.key === "Enter" || event.key === "F2") { event.preventDefault(); bar.focus(); }
  });
  bar.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); write(selected, bar.value); move(1, 0); }
    else if (event.key === "Tab") { event.preventDefault(); write(selected, bar.value); move(0, 1); }
    else if (event.key === "Escape") { select(selected); grid.focus(); }
  });
  bold.addEventListener("click", () => setFormat("bold", bold.getAttribute("aria-pressed") !== "true"));
  align.addEventListener("change", () => setFormat("align", align.value));
  numbers.addEventListener("change", () => setFormat("number_format", numbers.value));
  colour.addEventListener("change", () => setFormat("color", colour.value.slice(1).toUpperCase()));
  doc.on("update", render);

  section.append(
    h("div", { class: "editor-bar" }, h("div", { class: "toolbar", role: "toolbar", "aria-label": t("editor.format") }, bold, align, numbers, colour), presence(provider)),
    h("div", { class: "formula-row" }, where, bar),
    grid, h("div", { class: "sheet-tabs-row" }, tabs, readOnly ? null : h("button", { type: "button", id: "sheet-add", onclick: addSheet }, t("sheets.add"))));
  render();
}
