// A month calendar from a UiCalendar declaration: each record on the day of its date field
// (a date, or the UTC day of a date-time); `?month=YYYY-MM` picks the month (this one by
// default). The records are read a page at a time, at most 1,000 of them.

import { all } from "./api.js";
import { lang, t } from "./i18n.js";
import { idOf } from "./schema.js";
import { h } from "./ui.js";
import { titleOf } from "./views.js";

const pad = (n) => String(n).padStart(2, "0");
const monthOf = (date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}`;

export async function calendarView(section, resource, query) {
  const calendar = resource.ui.calendar;
  const asked = new URLSearchParams(query).get("month") || "";
  const [year, month] = (/^\d{4}-\d\d$/.test(asked) ? asked : monthOf(new Date())).split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 1, 1));
  const shift = (n) => monthOf(new Date(Date.UTC(year, month - 1 + n, 1)));
  const byDay = {};
  for (const record of await all(resource.path)) {
    const value = record[calendar.date_field];
    if (value) (byDay[String(value).slice(0, 10)] ||= []).push(record);
  }
  const name = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(first);
  const dayName = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeZone: "UTC" });
  // Weeks start on Monday (1 January 2024 was one).
  const weekdays = [...Array(7)].map((_, i) =>
    new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i))));
  const days = [...Array((first.getUTCDay() + 6) % 7)].map(() => h("li", { class: "day empty" }));
  for (let day = 1; day <= new Date(Date.UTC(year, month, 0)).getUTCDate(); day += 1) {
    const key = `${year}-${pad(month)}-${pad(day)}`;
    const records = byDay[key] || [];
    const label = (record) => String(record[calendar.title_field] || titleOf(record, resource));
    days.push(h("li", { class: records.length ? "day busy" : "day", "data-date": key },
      h("span", { class: "date", "aria-hidden": "true" }, String(day)),
      h("span", { class: "visually-hidden" }, dayName.format(new Date(Date.UTC(year, month - 1, day)))),
      records.length ? h("ul", {}, records.map((record) => h("li", {}, resource.canShow
        ? h("a", { href: `#/${resource.key}/${encodeURIComponent(idOf(resource, record))}` }, label(record))
        : label(record)))) : null));
  }
  section.append(
    h("div", { class: "actions month" },
      h("a", { class: "button", id: "month-previous", href: `#/${resource.key}/calendar?month=${shift(-1)}` }, t("previous_month")),
      h("h2", { id: "month" }, name),
      h("a", { class: "button", id: "month-next", href: `#/${resource.key}/calendar?month=${shift(1)}` }, t("next_month")),
      h("a", { class: "button", href: `#/${resource.key}` }, t("list"))),
    h("ol", { class: "calendar weekdays", "aria-hidden": "true" }, weekdays.map((w) => h("li", {}, w))),
    h("ol", { class: "calendar", id: "calendar", "aria-label": name }, days));
}
