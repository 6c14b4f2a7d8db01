// Messages from the JSON catalogs (locales/<lang>.json); dates, numbers and money by Intl.

const SUPPORTED = ["en", "fr"];
const KEY = "nexus.app.lang";
let messages = {};
export let lang = "en";

export async function loadMessages() {
  const wanted = localStorage.getItem(KEY) || navigator.language || "en";
  lang = SUPPORTED.includes(wanted.slice(0, 2)) ? wanted.slice(0, 2) : "en";
  document.documentElement.lang = lang;
  const response = await fetch(`/app/assets/locales/${lang}.json`);
  messages = response.ok ? await response.json() : {};
}

export function setLanguage(value) {
  localStorage.setItem(KEY, value);
}

export const t = (key) => messages[key] || key;

// A field name as a label: "unit_price" → "Unit price".
export function labelOf(name) {
  const words = String(name).replace(/_id$/, "").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatValue(value, schema = {}, record = {}) {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? "…" : String(v))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  // Without a schema (a table the record holds), an RFC 3339 timestamp is still a time.
  const format = schema.format || (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) ? "date-time" : "");
  if (format === "date-time" || format === "date") {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return format === "date"
      ? new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(date)
      : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
  }
  const currency = record.currency;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) && currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(value));
    } catch { return value; }
  }
  if (typeof value === "number") return new Intl.NumberFormat(lang).format(value);
  return String(value);
}
