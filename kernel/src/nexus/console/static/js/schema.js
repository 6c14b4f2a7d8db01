// A small JSON Schema (2020-12) checker: the keywords the business profile schema uses.
// Returns a list of {path, message}; an empty list means valid.

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected, value) {
  const actual = typeOf(value);
  return expected === actual || (expected === "number" && actual === "integer");
}

function resolve(root, ref) {
  if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
  return ref
    .slice(2)
    .split("/")
    .reduce((node, part) => node[part.replace(/~1/g, "/").replace(/~0/g, "~")], root);
}

export function validate(schema, value, root = schema, path = "") {
  const errors = [];
  const at = path || "(profile)";
  if (schema === true || schema === undefined) return errors;
  if (schema === false) return [{ path: at, message: "is not allowed" }];
  if (schema.$ref) errors.push(...validate(resolve(root, schema.$ref), value, root, path));
  if (schema.anyOf) {
    const fits = schema.anyOf.some((option) => validate(option, value, root, path).length === 0);
    if (!fits) {
      // Report the closest option's errors: the one not about null.
      const option = schema.anyOf.find((o) => o.type !== "null") || schema.anyOf[0];
      errors.push(...validate(option, value, root, path));
    }
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      return [...errors, { path: at, message: `must be ${types.join(" or ")}` }];
    }
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    errors.push({ path: at, message: `must be one of ${schema.enum.join(", ")}` });
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      errors.push({ path: at, message: schema.minLength === 1 ? "must not be empty" : `needs at least ${schema.minLength} characters` });
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      errors.push({ path: at, message: `must be at most ${schema.maxLength} characters` });
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      const example = schema.examples ? ` (like ${schema.examples[0]})` : "";
      errors.push({ path: at, message: `does not match ${schema.pattern}${example}` });
    }
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push({ path: at, message: `must be ≥ ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) errors.push({ path: at, message: `must be ≤ ${schema.maximum}` });
  }
  if (typeOf(value) === "object") {
    const properties = schema.properties || {};
    for (const name of schema.required || []) {
      if (!(name in value)) errors.push({ path: path ? `${path}.${name}` : name, message: "is required" });
    }
    for (const [name, item] of Object.entries(value)) {
      const where = path ? `${path}.${name}` : name;
      if (name in properties) {
        errors.push(...validate(properties[name], item, root, where));
      } else if (schema.additionalProperties === false) {
        errors.push({ path: where, message: "is not a known field" });
      } else if (typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties, item, root, where));
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => errors.push(...validate(schema.items, item, root, `${path}[${index}]`)));
  }
  return errors;
}
