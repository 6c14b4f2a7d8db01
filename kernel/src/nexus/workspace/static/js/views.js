// The generated views of a resource: list, detail, new, edit; and the 403 page.

import { all, api, del, get, post } from "./api.js";
import { formatValue, labelOf, t } from "./i18n.js";
import { renderForm } from "./form.js";
import { answerOf, bodyOf, fill, filtersOf, idOf, operationOf, resolve } from "./schema.js";
import { attempt, clear, confirmDialog, h, say, table } from "./ui.js";

const HIDDEN = new Set(["id", "tenant_id"]);

export function columnsOf(resource) {
  if (resource.ui && resource.ui.columns.length) return resource.ui.columns;
  const props = resource.itemSchema.properties || {};
  return Object.keys(props).filter((name) => {
    const s = resolve(props[name]);
    return !HIDDEN.has(name) && !name.endsWith("_id") && ["string", "integer", "number", "boolean"].includes(s.type);
  }).slice(0, 5);
}

// A record's title: its name, title, number, email or SKU; else any other field named so
// (`member_email`); else its id.
export const titleOf = (record, resource = null) => record.name || record.title || record.display_name ||
  [record.first_name, record.last_name].filter(Boolean).join(" ") || record.number || record.email || record.sku ||
  (Object.entries(record).find(([k, v]) => /(name|title|email)$/.test(k) && typeof v === "string" && v) || [])[1] ||
  (resource ? idOf(resource, record) : record.id);

function cell(record, name, resource) {
  const schema = resolve((resource.itemSchema.properties || {})[name]);
  return formatValue(record[name], schema, record);
}

const SAVED = (key) => `nexus.app.filters.${key}`;

// "Open in Writer" (Sheets, Slides) for a resource whose records are collaborative documents.
export function openInEditor(resource, record) {
  const editor = resource.ui && resource.ui.editor;
  const fileId = editor && record[editor.id_field];
  if (!fileId) return null;
  return h("a", { class: "button", href: `#/${editor.kind}/${encodeURIComponent(fileId)}`, "data-editor": editor.kind },
    t(`editor.open.${editor.kind}`));
}

export async function listView(section, resource, query) {
  const filters = filtersOf(resource);
  const params = new URLSearchParams(query);
  const form = h("form", { class: "filters", role: "search", "aria-label": t("filter") });
  for (const filter of filters) {
    const input = filter.schema.enum
      ? h("select", { name: filter.name, id: `filter-${filter.name}` }, h("option", { value: "" }, "—"),
        filter.schema.enum.map((v) => h("option", { value: v, selected: params.get(filter.name) === String(v) }, String(v))))
      : h("input", { name: filter.name, id: `filter-${filter.name}`, value: params.get(filter.name) || "" });
    form.append(h("span", { class: "filter" }, h("label", { for: input.id }, labelOf(filter.name)), input));
  }
  const saved = JSON.parse(localStorage.getItem(SAVED(resource.key)) || "{}");
  const savedSelect = h("select", { id: "saved-filters", "aria-label": t("saved_filters") },
    h("option", { value: "" }, t("saved_filters")),
    Object.entries(saved).map(([name, value]) => h("option", { value }, name)));
  savedSelect.addEventListener("change", () => { if (savedSelect.value) location.hash = `#/${resource.key}?${savedSelect.value}`; });
  const current = () => new URLSearchParams([...new FormData(form)].filter(([, v]) => v !== "")).toString();
  form.append(h("div", { class: "actions" },
    h("button", { type: "submit" }, t("filter")),
    h("button", { type: "button", onclick: () => {
      const name = prompt(t("filter_name"));
      if (!name) return;
      saved[name] = current();
      localStorage.setItem(SAVED(resource.key), JSON.stringify(saved));
      say(t("saved"), "ok");
    } }, t("save_filter")),
    Object.keys(saved).length ? savedSelect : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/${resource.key}${current() ? `?${current()}` : ""}`;
  });
  const bar = h("div", { class: "actions" },
    resource.canCreate ? h("a", { class: "button primary", href: `#/${resource.key}/new`, id: "new-record" }, t("new")) : null,
    resource.ui && resource.ui.kanban ? h("a", { class: "button", href: `#/${resource.key}/board` }, t("board")) : null,
    resource.ui && resource.ui.calendar ? h("a", { class: "button", href: `#/${resource.key}/calendar`, id: "calendar-view" }, t("calendar")) : null,
    csvLink(resource));
  const columns = columnsOf(resource);
  const holder = h("div", { id: "list" });
  section.append(bar, filters.length ? form : null, holder);
  let cursor = null;
  const rows = [];
  const more = h("button", { type: "button", id: "next-page", hidden: true }, t("next"));
  const load = async () => {
    const q = new URLSearchParams(params);
    q.set("limit", "50");
    if (cursor) q.set("cursor", cursor);
    const answer = await get(`${resource.path}?${q}`);
    const page = Array.isArray(answer) ? { items: answer, next_cursor: null } : answer;
    for (const record of page.items) {
      const first = resource.canShow
        ? h("a", { href: `#/${resource.key}/${encodeURIComponent(idOf(resource, record))}` }, cell(record, columns[0], resource) || idOf(resource, record))
        : cell(record, columns[0], resource);
      const open = resource.ui && resource.ui.editor ? h("td", {}, openInEditor(resource, record)) : null;
      rows.push(h("tr", { "data-id": idOf(resource, record) }, h("td", {}, first), columns.slice(1).map((c) => h("td", {}, cell(record, c, resource))), open));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    const headers = columns.map(labelOf).concat(resource.ui && resource.ui.editor ? [t("editor.column_open")] : []);
    clear(holder, table(headers, rows), more);
  };
  more.addEventListener("click", () => attempt(load));
  await load();
}

function csvLink(resource) {
  const csv = [...resource.allowed].find((op) => op.startsWith(`GET ${resource.path}/`) && /(export|csv)/.test(op) && !op.includes("{"));
  if (!csv) return null;
  return h("button", { type: "button", onclick: () => attempt(async () => {
    const text = await api("GET", csv.slice(4), undefined, { headers: { Accept: "text/csv" } });
    const link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: `${resource.key.replace("/", "-")}.csv` });
    link.click();
  }) }, t("export_csv"));
}

export async function detailView(section, resource, id, resources) {
  const path = fill(resource.itemPath, id);
  const record = await get(path);
  const props = resource.itemSchema.properties || {};
  const lines = resource.ui && resource.ui.lines;
  const entries = Object.keys(props).filter((n) => !HIDDEN.has(n) && !(lines && n === lines.field));
  const related = (name) => {
    if (!name.endsWith("_id") || name === resource.idField) return null;
    const target = Object.values(resources).find((r) => r.canShow && r.plugin === resource.plugin &&
      (r.key.endsWith(`/${name.replace(/_id$/, "")}s`) || r.key.endsWith(`/${name.replace(/_id$/, "")}es`)));
    return target && record[name] ? h("a", { href: `#/${target.key}/${encodeURIComponent(record[name])}` }, String(record[name])) : null;
  };
  const list = h("dl", { class: "record" }, entries.map((name) => [
    h("dt", {}, labelOf(name)),
    h("dd", { "data-field": name }, related(name) || cell(record, name, resource)),
  ]));
  const buttons = h("div", { class: "actions" }, openInEditor(resource, record));
  if (resource.updateMethod) buttons.append(h("a", { class: "button", href: `#/${resource.key}/${encodeURIComponent(id)}/edit`, id: "edit-record" }, t("edit")));
  for (const action of actionsOf(resource)) {
    buttons.append(action.body
      ? h("a", { class: "button", "data-action": action.label, href: `#/${resource.key}/${encodeURIComponent(id)}/do/${action.name}` }, action.label)
      : h("button", { type: "button", "data-action": action.label, onclick: async () => {
        if (action.confirm && !(await confirmDialog({ title: action.label, body: action.confirm, okLabel: action.label })).ok) return;
        if (await attempt(() => post(fill(action.path, id)), t("done"))) window.dispatchEvent(new HashChangeEvent("hashchange"));
      } }, action.label));
  }
  if (resource.canDelete) {
    buttons.append(h("button", { type: "button", class: "danger", id: "delete-record", onclick: async () => {
      const answer = await confirmDialog({ title: t("delete"), body: t("delete_confirm"), okLabel: t("delete"), danger: true });
      if (!answer.ok) return;
      if ((await attempt(() => del(path), t("deleted"))) !== undefined) location.hash = `#/${resource.key}`;
    } }, t("delete")));
  }
  section.append(h("h2", { id: "record-title" }, String(titleOf(record, resource))), buttons, list);
  if (lines && Array.isArray(record[lines.field])) {
    const itemSchema = resolve(resolve(props[lines.field]).items);
    const lineProps = itemSchema.properties || {};
    section.append(h("h2", {}, t("lines")), table(lines.columns.map(labelOf), record[lines.field].map((line) =>
      h("tr", {}, lines.columns.map((c) => h("td", {}, formatValue(line[c], resolve(lineProps[c]), { currency: record.currency })))))),
    h("dl", { class: "record totals" }, lines.totals.map((name) => [h("dt", {}, labelOf(name)), h("dd", { "data-total": name }, cell(record, name, resource))])));
  }
  // What the record holds beyond its list's fields: its tables (a history, say).
  section.append(...recordTables(record, (key) => key in props));
  await panels(section, resource, id);
  return record;
}

// A table for each list of records `value` holds (but the keys `skip` names): their scalar
// fields but ids, captioned by the key.
function recordTables(value, skip = () => false) {
  return Object.entries(value).filter(([key, rows]) => !skip(key) && Array.isArray(rows) && rows.length && typeof rows[0] === "object" && rows[0] !== null)
    .map(([key, rows]) => {
      const cols = Object.keys(rows[0]).filter((c) => c !== "id" && !c.endsWith("_id") && (rows[0][c] === null || typeof rows[0][c] !== "object"));
      const body = rows.map((row) => h("tr", {}, cols.map((c) => h("td", {}, formatValue(row[c], {}, row)))));
      return table(cols.map(labelOf), body, { caption: labelOf(key) });
    });
}

// Every GET route under the record (`.../{id}/stock`) the user may call and that answers
// JSON (not a PDF or an XML file): a panel each.
async function panels(section, resource, id) {
  const prefix = `GET ${resource.itemPath}/`;
  const subs = [...resource.allowed].filter((op) => op.startsWith(prefix) && !op.slice(prefix.length).includes("{") &&
    !op.slice(prefix.length).includes("/") && answerOf(operationOf(op.slice(4), "get")));
  for (const op of subs) {
    const name = op.slice(prefix.length);
    const answer = await attempt(() => get(fill(op.slice(4), id)));
    if (answer === undefined || answer === null || typeof answer !== "object") continue;
    const box = h("section", { class: "panel", "data-panel": name, "aria-label": labelOf(name) }, h("h2", {}, labelOf(name)));
    const scalars = Object.entries(answer).filter(([, v]) => v === null || typeof v !== "object");
    if (scalars.length) box.append(h("dl", { class: "record" }, scalars.map(([k, v]) => [h("dt", {}, labelOf(k)), h("dd", { "data-field": k }, formatValue(v))])));
    box.append(...recordTables(answer));
    section.append(box);
  }
}

export async function formView(section, resource, id) {
  const editing = id !== null;
  const method = editing ? resource.updateMethod : "POST";
  const path = editing ? fill(resource.itemPath, id) : resource.path;
  const schema = bodyOf(operationOf(editing ? resource.itemPath : resource.path, method));
  const record = editing ? await get(path) : {};
  const saved = await renderForm(section, { schema, method, path, record, declared: resource.ui, title: t(editing ? "edit" : "new") });
  say(t(editing ? "saved" : "created"), "ok");
  location.hash = `#/${resource.key}/${encodeURIComponent(idOf(resource, saved) || id)}`;
}

// The record's actions the user may take: those its plugin declares (`UiAction`), then every
// other POST route under the record (`.../{id}/redeem`), labelled by its summary. One with a
// request body opens its form; one without asks for a confirmation first.
export function actionsOf(resource) {
  const declared = ((resource.ui && resource.ui.actions) || []).filter((a) => resource.allowed.has(`POST ${a.path}`));
  const found = declared.map((a) => ({ ...a, name: a.path.split("/").pop(), body: null }));
  const prefix = `POST ${resource.itemPath}/`;
  for (const op of [...resource.allowed].filter((o) => resource.itemPath && o.startsWith(prefix))) {
    const name = op.slice(prefix.length);
    const path = op.slice(5);
    if (name.includes("/") || name.includes("{") || declared.some((a) => a.path === path)) continue;
    const operation = operationOf(path, "post");
    const label = (operation && operation.summary) || labelOf(name);
    found.push({ label, path, name, body: bodyOf(operation), confirm: label });
  }
  return found;
}

// An action's form: its request body's fields; the record is shown again once it is done.
export async function actionView(section, resource, id, name) {
  const action = actionsOf(resource).find((a) => a.name === name && a.body);
  if (!action) throw Object.assign(new Error(t("forbidden")), { status: 403 });
  const record = await get(fill(resource.itemPath, id));
  section.append(h("p", {}, h("a", { href: `#/${resource.key}/${encodeURIComponent(id)}` }, String(titleOf(record, resource)))));
  const holder = h("div");
  section.append(holder);
  await renderForm(holder, { schema: action.body, method: "POST", path: fill(action.path, id), title: action.label });
  say(t("done"), "ok");
  location.hash = `#/${resource.key}/${encodeURIComponent(id)}`;
}

export function forbiddenView(main) {
  clear(main, h("h1", { id: "view-title", tabindex: "-1" }, t("forbidden")), h("p", { id: "forbidden" }, t("forbidden_detail")));
}

export { all };
