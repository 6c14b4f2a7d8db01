// Home: a dashboard card per UiCard declaration, grouped by plugin; global search.

import { get } from "./api.js";
import { formatValue, labelOf, t } from "./i18n.js";
import { attempt, clear, h } from "./ui.js";
import { dig, idOf } from "./schema.js";
import { titleOf } from "./views.js";

export async function homeView(section, navigation) {
  const cards = navigation.ui.filter((d) => d.kind === "UiCard");
  const grid = h("div", { class: "cards", id: "dashboard" });
  section.append(grid);
  await Promise.all(cards.map(async (card) => {
    const answer = await attempt(() => get(card.path));
    const value = answer === undefined ? "—" : dig(answer, card.value);
    grid.append(h("section", { class: "card dashboard-card", "aria-label": card.label },
      h("h2", {}, card.label),
      figure(value)));
  }));
}

// A number; a list of records (their titles, the first five); or a small table of an
// object's entries (totals per currency).
function figure(value) {
  if (value === null || typeof value !== "object") return h("p", { class: "figure" }, formatValue(value));
  if (Array.isArray(value)) {
    if (!value.length) return h("p", { class: "muted" }, t("nothing"));
    return h("ul", { class: "card-list" }, value.slice(0, 5).map((item) =>
      h("li", {}, item !== null && typeof item === "object" ? String(titleOf(item)) : formatValue(item))));
  }
  const flat = Object.entries(value).flatMap(([k, v]) =>
    v !== null && typeof v === "object" ? Object.entries(v).map(([k2, v2]) => [`${k} · ${labelOf(k2)}`, v2]) : [[labelOf(k), v]]);
  return h("dl", { class: "record" }, flat.slice(0, 8).map(([k, v]) => [h("dt", {}, k), h("dd", {}, formatValue(v))]));
}

// Search every resource whose list route takes a "q" (or "search") parameter.
export async function searchView(section, resources, text) {
  const results = h("div", { id: "search-results" });
  section.append(h("h2", {}, t("search_results")), results);
  const hits = await Promise.all(Object.values(resources).filter((r) => r.searchParam).map(async (resource) => {
    const page = await attempt(() => get(`${resource.path}?${resource.searchParam}=${encodeURIComponent(text)}&limit=10`));
    return [resource, Array.isArray(page) ? page : (page && page.items) || []];
  }));
  const found = hits.filter(([, items]) => items.length);
  clear(results, found.length ? found.map(([resource, items]) => h("section", {},
    h("h3", {}, labelOf(resource.key.split("/").pop())),
    h("ul", {}, items.map((item) => h("li", {}, h("a", { href: `#/${resource.key}/${encodeURIComponent(idOf(resource, item))}` },
      String(titleOf(item, resource)))))))) : h("p", { class: "muted" }, t("nothing")));
}
