// Operator (platform admin) views: tenants, provisioning, presets catalog, plugins.

import { get, post, stream } from "./api.js";
import { validate } from "./schema.js";
import { attempt, badge, clear, confirmDialog, field, formatTime, h, say, table } from "./ui.js";

// --- tenants --------------------------------------------------------------------------

async function tenantsView(section) {
  const search = h("input", { id: "tenant-search", type: "search", placeholder: "slug or name", autocomplete: "off" });
  const status = h("select", { id: "tenant-status" }, ["", "active", "suspended", "provisioning", "deprovisioned"].map((s) => h("option", { value: s }, s || "any")));
  const results = h("div", { id: "tenants" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  let cursor = null;
  let rows = [];
  let timer = null;

  async function load(reset) {
    if (reset) { cursor = null; rows = []; }
    const params = new URLSearchParams({ limit: "50" });
    if (search.value.trim()) params.set("q", search.value.trim());
    if (status.value) params.set("status", status.value);
    if (cursor) params.set("cursor", cursor);
    const page = await attempt(() => get(`/api/v1/tenants?${params}`));
    if (!page) return;
    cursor = page.next_cursor;
    rows.push(...page.items.map(row));
    clear(results, table(["Slug", "Name", "Plan", "Status", "Created", ""], rows));
    more.hidden = !cursor;
  }
  function row(tenant) {
    let action = "";
    if (tenant.status === "active" || tenant.status === "suspended") {
      const suspend = tenant.status === "active";
      action = h("button", { type: "button", class: suspend ? "danger" : "", "data-tenant": tenant.slug }, suspend ? `Suspend ${tenant.slug}` : `Resume ${tenant.slug}`);
      action.addEventListener("click", async () => {
        const answer = await confirmDialog({
          title: suspend ? "Suspend tenant" : "Resume tenant",
          body: h("p", {}, suspend ? `Every credential of ${tenant.slug} will answer 403 until it is resumed.` : `${tenant.slug} will work again.`),
          okLabel: suspend ? "Suspend" : "Resume", danger: suspend,
        });
        if (!answer.ok) return;
        if (await attempt(() => post(`/api/v1/tenants/${tenant.id}/${suspend ? "suspend" : "resume"}`), `${tenant.slug} ${suspend ? "suspended" : "resumed"}.`)) await load(true);
      });
    }
    return h("tr", { "data-slug": tenant.slug }, h("td", {}, h("code", {}, tenant.slug)), h("td", {}, tenant.name), h("td", {}, tenant.plan),
      h("td", {}, badge(tenant.status)), h("td", {}, formatTime(tenant.created_at)), h("td", {}, action));
  }
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load(true), 250); });
  status.addEventListener("change", () => load(true));
  more.addEventListener("click", () => load(false));
  clear(section,
    h("form", { class: "card row", role: "search", onsubmit: (e) => { e.preventDefault(); load(true); } },
      h("div", {}, field("Search", search)), h("div", {}, field("Status", status))),
    results, more);
  await load(true);
  return () => clearTimeout(timer);
}

// --- provisioning ---------------------------------------------------------------------

const STEP_TITLES = {
  validate: "Validate the profile", plan: "Plan plugins, features and settings",
  create_tenant: "Create the tenant", prepare_data: "Prepare data",
  provision_resources: "Provision resources", seed: "Seed each enabled plugin",
  activate: "Activate: admin user and API key",
};

function renderRun(container, run) {
  clear(container, h("section", { class: "card", id: "run", "data-status": run.status },
    h("h2", {}, "Provisioning ", h("code", {}, run.slug), " ", badge(run.status)),
    h("ol", { class: "steps", id: "run-steps" }, run.steps.map((step) => h("li", { "data-step": step.name, "data-status": step.status },
      badge(step.status), " ", STEP_TITLES[step.name] || step.name,
      step.started_at && step.finished_at ? h("span", { class: "muted" }, ` (${Math.max(0, new Date(step.finished_at) - new Date(step.started_at))} ms)`) : "",
      step.error ? h("div", { class: "errors" }, step.error) : ""))),
    run.error ? h("p", { class: "errors" }, run.error) : "",
    run.admin ? h("div", { id: "run-admin" },
      h("h3", {}, "The tenant admin's sign-in (shown once)"),
      h("p", {}, "Email: ", h("code", {}, run.admin.email)),
      h("p", {}, "Password: ", h("span", { class: "secret" }, run.admin.password)),
      h("p", {}, "API key: ", h("span", { class: "secret" }, run.admin.api_key))) : ""));
}

async function provisionView(section) {
  const schema = await get("/api/v1/schemas/business-profile", { auth: false });
  const text = h("textarea", { id: "profile", spellcheck: "false", "aria-describedby": "profile-check" });
  const upload = h("input", { id: "profile-file", type: "file", accept: "application/json,.json" });
  const check = h("div", { id: "profile-check", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", id: "provision-submit", disabled: true }, "Provision");
  const runBox = h("div", { id: "run-box" });
  let stop = null;

  function recheck() {
    let profile;
    if (!text.value.trim()) { clear(check, h("p", { class: "muted" }, "Paste or upload a business profile (JSON).")); submit.disabled = true; return null; }
    try { profile = JSON.parse(text.value); } catch (error) {
      clear(check, h("ul", { class: "errors" }, h("li", {}, `Not JSON: ${error.message}`)));
      submit.disabled = true;
      return null;
    }
    const errors = validate(schema, profile);
    if (errors.length) {
      clear(check, h("ul", { class: "errors", id: "profile-errors" }, errors.map((e) => h("li", {}, h("code", {}, e.path), ` ${e.message}`))));
      submit.disabled = true;
      return null;
    }
    clear(check, h("p", { class: "valid", id: "profile-valid" }, "✓ Matches the business profile schema."));
    submit.disabled = false;
    return profile;
  }
  text.addEventListener("input", recheck);
  upload.addEventListener("change", async () => {
    const file = upload.files[0];
    if (!file) return;
    text.value = await file.text();
    recheck();
  });
  const form = h("form", { class: "card", "aria-labelledby": "provision-title" },
    h("h2", { id: "provision-title" }, "Business profile"),
    h("p", { class: "muted" }, "Checked as you type against ", h("a", { href: "/api/v1/schemas/business-profile" }, "the JSON Schema"), "."),
    field("Upload a profile", upload), field("Or paste it here", text), check,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const profile = recheck();
    if (!profile) return;
    submit.disabled = true;
    const run = await attempt(() => post("/api/v1/tenants", profile));
    if (!run) { submit.disabled = false; return; }
    renderRun(runBox, run);
    runBox.scrollIntoView({ block: "start" });
    if (stop) stop();
    let last = run;
    stop = stream(`/api/v1/provisioning-runs/${run.id}/events`, (name, data) => {
      if (name !== "run") return;
      last = { ...JSON.parse(data), admin: JSON.parse(data).admin || last.admin };
      renderRun(runBox, last);
      if (last.status === "succeeded") say(`Tenant ${last.slug} is active.`, "ok");
      if (last.status === "failed") say(`Provisioning ${last.slug} failed: ${last.error}`, "error");
    }, {
      onEnd: async (error) => {
        if (error) say(`Lost the run's stream: ${error.message}`, "error");
        // The run may execute in another process, whose stream sends one state and ends.
        if (!["succeeded", "failed"].includes(last.status)) {
          const fresh = await attempt(() => get(`/api/v1/provisioning-runs/${run.id}`));
          if (fresh) { last = fresh; renderRun(runBox, last); }
        }
        submit.disabled = false;
      },
    });
  });
  clear(section, form, runBox);
  recheck();
  return () => { if (stop) stop(); };
}

// --- presets catalog ------------------------------------------------------------------

function flatten(value, prefix = "", out = new Map()) {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

function presetFacts(preset) {
  const facts = new Map();
  for (const plugin of preset.plugins) facts.set(`plugin ${plugin}`, "on");
  for (const [key, value] of flatten(preset.features)) if (key) facts.set(`feature ${key}`, value);
  for (const [key, value] of flatten(preset.settings)) if (key) facts.set(`setting ${key}`, value);
  for (const [key, value] of flatten(preset.seed)) if (key) facts.set(`seed ${key}`, value);
  return facts;
}

function sideBySide(a, b) {
  const left = presetFacts(a);
  const right = presetFacts(b);
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const differing = keys.filter((key) => left.get(key) !== right.get(key)).length;
  const summary = h("p", { id: "diff-summary", tabindex: "-1" }, differing
    ? `${differing} difference(s) between ${a.name} and ${b.name}.`
    : `${a.name} and ${b.name} switch on the same plugins, features, settings and seed data.`);
  return [summary, table([a.name, b.name], keys.map((key) => {
    const l = left.get(key);
    const r = right.get(key);
    const same = l === r;
    return h("tr", {},
      h("td", { class: same ? "" : "diff-del" }, l === undefined ? "—" : [same ? "" : "− ", `${key} = ${l}`]),
      h("td", { class: same ? "" : "diff-add" }, r === undefined ? "—" : [same ? "" : "+ ", `${key} = ${r}`]));
  }), { caption: "Lines that differ are marked − (left) and + (right)." })];
}

async function catalogView(section) {
  const presets = await get("/api/v1/presets");
  const options = () => presets.map((p) => h("option", { value: p.name }, `${p.title} (${p.name})`));
  const a = h("select", { id: "diff-a" }, options());
  const b = h("select", { id: "diff-b" }, options());
  if (presets.length > 1) b.selectedIndex = 1;
  const out = h("div", { id: "diff" });
  const compare = h("button", { type: "submit", class: "primary" }, "Compare");
  const form = h("form", { class: "card" }, h("h2", {}, "Compare two presets"),
    h("div", { class: "grid2" }, h("div", {}, field("Left", a)), h("div", {}, field("Right", b))),
    h("div", { class: "actions" }, compare));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const both = await attempt(() => Promise.all([get(`/api/v1/presets/${encodeURIComponent(a.value)}`), get(`/api/v1/presets/${encodeURIComponent(b.value)}`)]));
    if (both) clear(out, sideBySide(...both));
    document.getElementById("diff-summary")?.focus();
  });
  clear(section,
    table(["Name", "Title", "Industry", "Extends", "Plugins", "Description"], presets.map((p) =>
      h("tr", {}, h("td", {}, h("code", {}, p.name)), h("td", {}, p.title), h("td", {}, p.industry), h("td", {}, p.extends || "—"),
        h("td", {}, p.plugins.join(", ") || "—"), h("td", {}, p.description)))),
    form, out);
}

// --- plugins --------------------------------------------------------------------------

async function pluginsView(section) {
  const [plugins, ready] = await Promise.all([
    get("/api/v1/installed-plugins"),
    get("/readyz", { auth: false }).catch((error) => error.problem || { status: "unknown" }),
  ]);
  const broken = plugins.filter((p) => p.state !== "loaded" && p.state !== "excluded");
  clear(section,
    h("p", { id: "doctor" }, broken.length ? `Doctor: ${broken.length} plugin(s) need attention.` : "Doctor: every installed plugin loaded.",
      " Kernel readiness: ", badge(ready.status || "unknown")),
    table(["Plugin", "Title", "Version", "Distribution", "State", "Requires", "Finding"], plugins.map((p) =>
      h("tr", { "data-plugin": p.name }, h("td", {}, h("code", {}, p.name)), h("td", {}, p.title || "—"), h("td", {}, p.version || "—"),
        h("td", {}, p.distribution || "—"), h("td", {}, badge(p.state)), h("td", {}, p.requires.join(", ") || "—"),
        h("td", {}, p.reason || "—")))));
}

export const operatorViews = {
  tenants: { title: "Tenants", render: tenantsView },
  provision: { title: "Provision", render: provisionView },
  catalog: { title: "Presets catalog", render: catalogView },
  plugins: { title: "Plugins", render: pluginsView },
};
