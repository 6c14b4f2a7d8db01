// A kanban board from a UiKanban declaration: a column per stage (and per closing lane);
// a card moves by drag and drop, or by its "Move to" menu from the keyboard.

import { all, get, post } from "./api.js";
import { t } from "./i18n.js";
import { dig, fill } from "./schema.js";
import { attempt, h, say } from "./ui.js";

async function columnsOf(kanban) {
  if (kanban.stages_path) {
    const answer = await get(kanban.stages_path);
    return (dig(answer, kanban.stages_key) || []).map((s) => ({ value: String(s.id), label: s.name }));
  }
  return kanban.stages.map((s) => ({ value: s, label: s }));
}

export async function boardView(section, resource, rerender) {
  const kanban = resource.ui.kanban;
  const stages = await columnsOf(kanban);
  const lanes = kanban.lanes.filter((lane) => resource.allowed.has(`POST ${lane.action}`));
  const records = await all(resource.path);
  const targets = [...stages.map((s) => ({ ...s, kind: "stage" })), ...lanes.map((l) => ({ value: `lane:${l.value}`, label: l.label, kind: "lane", lane: l }))];
  const move = async (record, target) => {
    const done = target.kind === "lane"
      ? await attempt(() => post(fill(target.lane.action, record.id)), t("moved"))
      : await attempt(() => post(fill(kanban.move, record.id), { [kanban.move_field]: target.value }), t("moved"));
    if (done !== undefined) rerender();
  };
  const placed = (record) => {
    const lane = lanes.find((l) => String(record[l.field]) === l.value);
    if (lane) return `lane:${lane.value}`;
    if (kanban.open_field && String(record[kanban.open_field]) !== kanban.open_value) return null;
    return String(record[kanban.stage_field]);
  };
  const board = h("div", { class: "board", id: "board" });
  for (const target of targets) {
    const cards = records.filter((r) => placed(r) === target.value).map((record) => {
      const menu = h("select", { "aria-label": `${t("move_to")}: ${record[kanban.title_field]}`, class: "move-to" },
        h("option", { value: "" }, t("move_to")),
        targets.filter((o) => o.value !== target.value).map((o) => h("option", { value: o.value }, o.label)));
      menu.addEventListener("change", () => { const to = targets.find((o) => o.value === menu.value); if (to) move(record, to); });
      const card = h("li", { class: "card kanban-card", draggable: "true", "data-id": record.id },
        resource.canShow ? h("a", { href: `#/${resource.key}/${encodeURIComponent(record.id)}` }, String(record[kanban.title_field])) : String(record[kanban.title_field]),
        menu);
      card.addEventListener("dragstart", (event) => { event.dataTransfer.setData("text/plain", record.id); });
      return card;
    });
    const column = h("section", { class: "column", "data-stage": target.label, "aria-label": target.label },
      h("h2", {}, target.label, " ", h("span", { class: "muted" }, `(${cards.length})`)),
      h("ul", {}, cards));
    column.addEventListener("dragover", (event) => event.preventDefault());
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      const record = records.find((r) => r.id === event.dataTransfer.getData("text/plain"));
      if (record && placed(record) !== target.value) move(record, target);
    });
    board.append(column);
  }
  section.append(h("div", { class: "actions" }, h("a", { class: "button", href: `#/${resource.key}` }, t("list"))), board);
  say("");
}
