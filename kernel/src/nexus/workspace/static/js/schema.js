// The OpenAPI document read as resources: a collection GET answering a page ({items,
// next_cursor}) is a resource; its item GET, POST, PATCH/PUT and DELETE are its views.

let doc = null;

export async function loadSchema() {
  if (!doc) {
    const response = await fetch("/schema/openapi.json", { headers: { Accept: "application/json" } });
    doc = await response.json();
  }
  return doc;
}

// Follow $ref; an "anyOf [X, null]" is X, nullable.
export function resolve(schema) {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return resolve(doc.components.schemas[name]);
  }
  if (schema.allOf) {
    // allOf: the parts merged (a body with examples is "allOf [$ref]").
    const merged = { type: "object", properties: {}, required: [] };
    for (const part of schema.allOf.map(resolve)) {
      Object.assign(merged.properties, part.properties || {});
      merged.required.push(...(part.required || []));
      if (part.type !== "object") return { ...part, description: schema.description };
    }
    return merged;
  }
  const variants = schema.anyOf || schema.oneOf;
  if (variants) {
    const real = variants.filter((v) => v.type !== "null");
    const nullable = real.length < variants.length;
    if (real.length === 1) return { ...resolve(real[0]), nullable, description: schema.description };
  }
  return schema;
}

export const operationOf = (path, method) => (doc.paths[path] || {})[method.toLowerCase()];

export function bodyOf(op) {
  const content = op && op.requestBody && op.requestBody.content;
  return content && content["application/json"] ? resolve(content["application/json"].schema) : null;
}

export function answerOf(op) {
  if (!op) return null;
  for (const status of ["200", "201"]) {
    const content = op.responses && op.responses[status] && op.responses[status].content;
    if (content && content["application/json"]) return resolve(content["application/json"].schema);
  }
  return null;
}

const keyOf = (path) => path.replace(/^\/api\/v1\//, "");

// Every resource of the document (whoever may use it), keyed like "crm/contacts".
export function allResources() {
  const found = {};
  for (const path of Object.keys(doc.paths)) {
    if (!path.startsWith("/api/v1/") || path.includes("{")) continue;
    const answer = answerOf(operationOf(path, "get"));
    // A page ({items, next_cursor}), or a plain array of records.
    const items = answer && (answer.type === "array" ? answer : answer.properties && answer.properties.items);
    if (!items || items.type !== "array" || resolve(items.items).type !== "object") continue;
    const itemPath = Object.keys(doc.paths).find((other) =>
      other.startsWith(`${path}/{`) && /^\{\w+\}$/.test(other.slice(path.length + 1)));
    const itemSchema = resolve(items.items);
    // A record is named in its item path by `id`, or by the field the path's parameter
    // names when the record has it (`/members/{member_id}`: `member_id`).
    const param = itemPath && itemPath.slice(path.length + 2, -1);
    const idField = param && param in (itemSchema.properties || {}) ? param : "id";
    found[keyOf(path)] = { key: keyOf(path), path, itemPath, itemSchema, idField };
  }
  return found;
}

// The resources the navigation lets this user list, with what else it may do on them.
export function myResources(navigation) {
  const allowed = new Set(navigation.operations.map((op) => `${op.method} ${op.path}`));
  const plugins = Object.fromEntries(navigation.operations.map((op) => [op.path, op.plugin]));
  const declared = Object.fromEntries(navigation.ui.filter((d) => d.kind === "UiResource").map((d) => [d.path, d]));
  const mine = {};
  for (const resource of Object.values(allResources())) {
    if (!allowed.has(`GET ${resource.path}`)) continue;
    const item = resource.itemPath;
    mine[resource.key] = {
      ...resource,
      plugin: plugins[resource.path],
      ui: declared[resource.path] || null,
      canShow: Boolean(item) && allowed.has(`GET ${item}`),
      canCreate: allowed.has(`POST ${resource.path}`),
      updateMethod: item && (allowed.has(`PATCH ${item}`) ? "PATCH" : allowed.has(`PUT ${item}`) ? "PUT" : null),
      canDelete: Boolean(item) && allowed.has(`DELETE ${item}`),
      allowed,
    };
  }
  return mine;
}

// The list route's query parameters that filter or sort (not the paging ones).
export function filtersOf(resource) {
  const op = operationOf(resource.path, "get");
  return (op.parameters || [])
    .map((p) => (p.$ref ? resolve(p) : p))
    .filter((p) => p.in === "query" && !["limit", "cursor"].includes(p.name))
    .map((p) => ({ name: p.name, schema: resolve(p.schema), description: p.description || "" }));
}

export const idOf = (resource, record) => record[resource.idField] ?? record.id;

export const fill = (path, id) => path.replace(/\{\w+\}/, encodeURIComponent(id));

// A value inside an answer by its dotted key ("totals.open"; "" is the answer itself).
export const dig = (value, key) => key.split(".").filter(Boolean).reduce((v, k) => (v == null ? v : v[k]), value);
