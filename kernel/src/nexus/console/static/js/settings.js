// Tenant admin view: a plugin's settings, edited as JSON and checked by the server.

import { ApiError, get, put } from "./api.js";
import { attempt, clear, field, h, say, sayError, table } from "./ui.js";

// What a field of the settings schema takes, in a few words ("integer 1–720", "list of string").
function describeType(schema, root) {
  if (!schema) return "any";
  if (schema.$ref) return describeType(root.$defs?.[schema.$ref.split("/").pop()], root);
  if (schema.anyOf) return schema.anyOf.map((s) => describeType(s, root)).join(" or ");
  if (schema.enum) return `one of ${schema.enum.join(", ")}`;
  if (schema.type === "array") return `list of ${describeType(schema.items, root)}`;
  const bounds = [schema.minimum, schema.maximum].some((b) => b !== undefined)
    ? ` ${schema.minimum ?? ""}–${schema.maximum ?? ""}` : "";
  return `${schema.type || schema.format || "object"}${bounds}`;
}

function fieldsTable(schema) {
  const required = new Set(schema.required || []);
  return table(["Field", "Type", "Default"], Object.entries(schema.properties || {}).map(([name, prop]) =>
    h("tr", { "data-field": name }, h("td", {}, h("code", {}, name), required.has(name) ? " (required)" : ""),
      h("td", {}, describeType(prop, schema), prop.description ? h("div", { class: "muted" }, prop.description) : ""),
      h("td", {}, "default" in prop ? h("code", {}, JSON.stringify(prop.default)) : "–"))),
  { caption: "Fields this plugin accepts" });
}

async function editor(box, plugin) {
  let shown;
  try {
    shown = await get(`/api/v1/plugins/${encodeURIComponent(plugin)}/settings`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      clear(box, h("p", { class: "muted", id: "settings-none" }, `${plugin} has no settings.`));
      return;
    }
    throw error;
  }
  const text = h("textarea", { id: "settings-json", spellcheck: "false" }, JSON.stringify(shown.values, null, 2));
  const errors = h("ul", { class: "errors", id: "settings-errors", "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "primary", id: "settings-save" }, "Save settings");
  const form = h("form", { class: "card", "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title" }, "Settings of ", h("code", {}, plugin)),
    shown.enabled ? "" : h("p", { class: "muted" }, "Not enabled for this tenant yet: these values are what it will start with."),
    field("Values (JSON; fields left out take their defaults)", text), errors,
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(errors);
    let values;
    try {
      values = JSON.parse(text.value);
    } catch (error) {
      clear(errors, h("li", {}, `Not JSON: ${error.message}`));
      return;
    }
    try {
      const saved = await put(`/api/v1/plugins/${encodeURIComponent(plugin)}/settings`, values);
      text.value = JSON.stringify(saved.values, null, 2);
      say(`Settings of ${plugin} saved; every server uses them from now on.`, "ok");
    } catch (error) {
      const failing = error instanceof ApiError && Array.isArray(error.problem.errors) ? error.problem.errors : null;
      if (!failing) { sayError(error); return; }
      clear(errors, failing.map((e) => h("li", { "data-key": e.key }, h("code", {}, e.key), `: ${e.message}`)));
      say(`The settings were not saved: ${failing.length} field(s) refused.`, "error");
      text.focus();
    }
  });
  clear(box, form, fieldsTable(shown.schema));
}

export async function settingsView(section) {
  const plugins = (await get("/api/v1/plugins")).filter((p) => p.has_settings).sort((a, b) => a.name.localeCompare(b.name));
  const select = h("select", { id: "settings-plugin" }, plugins.map((p) => h("option", { value: p.name }, `${p.title} (${p.name})`)));
  const box = h("div", { id: "settings-editor" });
  select.addEventListener("change", () => attempt(() => editor(box, select.value)));
  clear(section, h("p", {}, "Each plugin's settings for this tenant. A change is checked against the plugin's settings type, goes to the audit log, and takes effect on every server at once."),
    plugins.length ? h("div", { class: "card" }, field("Plugin", select)) : h("p", { class: "muted" }, "No installed plugin has settings."), box);
  if (plugins.length) await editor(box, select.value);
}
