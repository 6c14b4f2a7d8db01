// Create and edit forms from the request body's JSON Schema; the server's 422 problems are
// shown under their fields.

import { ApiError, api } from "./api.js";
import { labelOf, t } from "./i18n.js";
import { resolve } from "./schema.js";
import { clear, h, say, uid } from "./ui.js";

const SKIP = new Set(["id", "tenant_id", "created_at", "updated_at"]);

function inputFor(name, schema, value) {
  const id = uid("field");
  const attrs = { id, name, "data-field": name };
  if (schema.enum) {
    const select = h("select", attrs,
      schema.nullable ? h("option", { value: "" }, "—") : null,
      schema.enum.map((v) => h("option", { value: v, selected: v === value }, String(v))));
    return select;
  }
  if (schema.type === "boolean") return h("input", { ...attrs, type: "checkbox", checked: Boolean(value) });
  if (schema.type === "object" || (schema.type === "array" && resolve(schema.items).type === "object")) {
    return h("textarea", { ...attrs, rows: 3, "data-json": "1" }, value === undefined ? "" : JSON.stringify(value));
  }
  const input = h("input", { ...attrs, value: value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value) });
  if (schema.type === "array") input.dataset.list = "1";
  else if (schema.type === "integer" || schema.type === "number") {
    input.type = "number";
    input.step = schema.type === "integer" ? "1" : "any";
    if (schema.minimum !== undefined) input.min = schema.minimum;
    if (schema.maximum !== undefined) input.max = schema.maximum;
  } else if (schema.format === "date") input.type = "date";
  else if (schema.format === "email") input.type = "email";
  if (schema.minLength) input.minLength = schema.minLength;
  if (schema.maxLength) input.maxLength = schema.maxLength;
  if (schema.pattern && input.type === "text") input.pattern = schema.pattern === "\\S" ? ".*\\S.*" : schema.pattern;
  return input;
}

function readInput(input, schema) {
  if (input.type === "checkbox") return input.checked;
  const raw = input.value.trim();
  if (raw === "") return schema.nullable ? null : undefined;
  if (input.dataset.json) return JSON.parse(raw);
  if (input.dataset.list) return raw.split(",").map((part) => part.trim()).filter(Boolean);
  if (schema.type === "integer") return Number.parseInt(raw, 10);
  if (schema.type === "number") return Number(raw);
  return raw;
}

// A table of lines (an array of objects) with add/remove and running totals.
function linesEditor(name, schema, declared, value) {
  const itemSchema = resolve(schema.items);
  const columns = declared.columns.length ? declared.columns : Object.keys(itemSchema.properties || {});
  const body = h("tbody");
  const addRow = (line = {}) => {
    const cells = columns.map((column) => {
      const input = inputFor(column, resolve(itemSchema.properties[column] || {}), line[column]);
      input.setAttribute("aria-label", labelOf(column));
      delete input.dataset.field;
      input.dataset.lineField = column;
      return h("td", {}, input);
    });
    const row = h("tr", { class: "line" }, cells,
      h("td", {}, h("button", { type: "button", onclick: () => row.remove() }, t("remove_line"))));
    // What the request body accepts of a line but no column shows (a product, a tax) is kept.
    row.kept = Object.fromEntries(Object.entries(line).filter(([k, v]) => v !== null && !columns.includes(k) && k in (itemSchema.properties || {})));
    body.append(row);
  };
  for (const line of value || []) addRow(line);
  const wrap = h("fieldset", { class: "lines", "data-lines": name },
    h("legend", {}, labelOf(name)),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, labelOf(c))), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("remove_line"))))),
      body)),
    h("button", { type: "button", class: "add-line", onclick: () => addRow() }, t("add_line")));
  wrap.read = () => [...body.querySelectorAll("tr.line")].map((row) => {
    const line = { ...row.kept };
    for (const input of row.querySelectorAll("[data-line-field]")) {
      const field = input.dataset.lineField;
      const got = readInput(input, resolve(itemSchema.properties[field] || {}));
      if (got !== undefined) line[field] = got;
    }
    return line;
  });
  return wrap;
}

function showProblems(form, error) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const extra = (error.problem && error.problem.extra) || [];
  let shown = 0;
  for (const problem of Array.isArray(extra) ? extra : []) {
    const key = String(problem.key || "").replace(/^\$\./, "").split(/[.[]/)[0];
    const target = form.querySelector(`[data-field="${CSS.escape(key)}"], [data-lines="${CSS.escape(key)}"]`);
    if (!target) continue;
    const message = h("p", { class: "field-error", id: uid("error") }, problem.message);
    target.setAttribute("aria-invalid", "true");
    target.setAttribute("aria-describedby", message.id);
    target.after(message);
    shown += 1;
  }
  say(shown ? `${t("fix_fields")} ${error.message}` : error.message, "error");
}

// Render the form of `schema` into `container`; resolves with the server's answer.
export function renderForm(container, { schema, method, path, record = {}, declared = null, title }) {
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const names = Object.keys(properties).filter((n) => !SKIP.has(n));
  const sections = declared && declared.sections.length
    ? declared.sections.map((s) => ({ title: s.title, fields: s.fields.filter((f) => f in properties) }))
    : [{ title: "", fields: names }];
  const lines = declared && declared.lines;
  const controls = {};
  const form = h("form", { class: "card record-form", novalidate: false, "aria-label": title });
  for (const section of sections) {
    const group = h("fieldset", { class: "section" }, section.title ? h("legend", {}, section.title) : null);
    for (const name of section.fields) {
      const fieldSchema = resolve(properties[name]);
      if (lines && lines.field === name) continue;
      const input = inputFor(name, fieldSchema, record[name]);
      if (required.has(name) && input.type !== "checkbox") input.required = true;
      controls[name] = [input, fieldSchema];
      group.append(h("label", { for: input.id }, labelOf(name), required.has(name) ? " *" : ""), input);
    }
    form.append(group);
  }
  let linesBox = null;
  if (lines && properties[lines.field]) {
    linesBox = linesEditor(lines.field, resolve(properties[lines.field]), lines, record[lines.field]);
    form.append(linesBox);
  }
  const submit = h("button", { type: "submit", class: "primary", id: "form-submit" }, t("save"));
  form.append(h("div", { class: "actions" }, submit));
  clear(container, form);
  return new Promise((resolveForm) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const body = {};
      try {
        for (const [name, [input, fieldSchema]] of Object.entries(controls)) {
          const value = readInput(input, fieldSchema);
          const unchanged = method === "PATCH" && JSON.stringify(value ?? null) === JSON.stringify(record[name] ?? null);
          if (value !== undefined && !unchanged) body[name] = value;
        }
        if (linesBox) body[lines.field] = linesBox.read();
      } catch (error) {
        say(error.message, "error");
        return;
      }
      submit.disabled = true;
      try {
        resolveForm(await api(method, path, body));
      } catch (error) {
        if (error instanceof ApiError) showProblems(form, error);
        else say(error.message, "error");
      } finally {
        submit.disabled = false;
      }
    });
  });
}
