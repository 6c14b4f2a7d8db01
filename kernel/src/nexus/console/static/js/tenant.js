// Tenant admin views: features, plugin settings, audit log, presets, users, API keys.

import { all, del, get, patch, post, put, stream } from "./api.js";
import { settingsView } from "./settings.js";
import { attempt, badge, clear, confirmDialog, field, formatTime, h, say, sayError, table } from "./ui.js";

// --- features -------------------------------------------------------------------------

// Keys reached from `start` by following `next(key)`, `start` excluded.
function closure(start, next) {
  const seen = new Set();
  const todo = [...next(start)];
  while (todo.length) {
    const key = todo.pop();
    if (seen.has(key)) continue;
    seen.add(key);
    todo.push(...next(key));
  }
  return [...seen];
}

// What else a switch changes: enabled dependents when disabling, missing requirements when
// enabling (a feature's plugin counts as a requirement, as the kernel evaluates it).
export function cascadeOf(features, key, enable) {
  const byKey = new Map(features.map((f) => [f.key, f]));
  if (enable) {
    const needs = (k) => {
      const f = byKey.get(k);
      if (!f) return [];
      return f.key !== f.plugin ? [...f.requires, f.plugin] : f.requires;
    };
    return closure(key, needs).filter((k) => byKey.get(k) && byKey.get(k).state !== "enabled");
  }
  const dependents = (k) => {
    const f = byKey.get(k);
    if (!f) return [];
    const children = f.key === f.plugin ? features.filter((g) => g.plugin === k && g.key !== k).map((g) => g.key) : [];
    return [...f.dependents, ...children];
  };
  return closure(key, dependents).filter((k) => byKey.get(k) && byKey.get(k).state === "enabled");
}

function renderFeatures(container, features, onSwitch, onPurge, changed = new Set()) {
  const plugins = new Map();
  for (const feature of features) {
    if (!plugins.has(feature.plugin)) plugins.set(feature.plugin, []);
    plugins.get(feature.plugin).push(feature);
  }
  const cards = [];
  for (const [plugin, items] of [...plugins].sort(([a], [b]) => a.localeCompare(b))) {
    items.sort((a, b) => (a.key === plugin ? -1 : b.key === plugin ? 1 : a.key.localeCompare(b.key)));
    const head = items.find((f) => f.key === plugin);
    cards.push(h("section", { class: "card", "aria-labelledby": `plugin-${plugin}` },
      h("h2", { id: `plugin-${plugin}` }, head ? head.title : plugin, " ", h("code", {}, plugin)),
      items.map((feature) => featureRow(feature, onSwitch, changed.has(feature.key), onPurge))));
  }
  clear(container, cards.length ? cards : h("p", { class: "muted" }, "No plugins are installed."));
}

async function purge(plugin) {
  const counted = await attempt(() => post(`/api/v1/features/${encodeURIComponent(plugin)}/purge`, { dry_run: true }));
  if (!counted) return;
  const rows = Object.entries(counted.rows);
  const answer = await confirmDialog({
    title: `Purge ${plugin}'s data`,
    body: [h("p", {}, "This deletes this tenant's data of the plugin for good:"),
      h("ul", { id: "purge-counts" }, rows.map(([name, n]) => h("li", {}, `${n} row(s) in `, h("code", {}, name))), h("li", {}, `${counted.files} file(s)`))],
    okLabel: "Purge", danger: true,
  });
  if (!answer.ok) return;
  if (await attempt(() => post(`/api/v1/features/${encodeURIComponent(plugin)}/purge`, { dry_run: false }), `${plugin}'s data purged.`));
}

function featureRow(feature, onSwitch, flash, onPurge) {
  const on = feature.state === "enabled";
  const labelId = `label-${feature.key}`;
  const button = h("button", {
    type: "button", role: "switch", id: `switch-${feature.key}`, "aria-checked": String(on),
    "aria-labelledby": labelId, "data-key": feature.key, onclick: () => onSwitch(feature),
  });
  const list = (name, keys) => keys.length ? h("div", {}, `${name}: `, keys.map((k, i) => [i ? ", " : "", h("code", {}, k)])) : null;
  return h("div", { class: `feature${flash ? " flash" : ""}`, "data-feature": feature.key },
    h("span", { class: "switch" }, button),
    h("div", {},
      h("span", { id: labelId }, feature.title, " ", h("code", {}, feature.key)),
      h("div", { class: "meta" },
        badge(feature.state), " source: ", h("span", { class: "source" }, feature.source),
        feature.in_effect || !on ? "" : " · not in effect (its plugin is off)",
        list("requires", feature.requires), list("dependents", feature.dependents)),
      feature.key === feature.plugin && feature.state === "disabled"
        ? h("button", { type: "button", class: "danger", id: `purge-${feature.key}`, onclick: () => onPurge(feature.key) }, `Purge ${feature.key}'s data…`)
        : ""));
}

async function featuresView(section) {
  const live = h("p", { class: "muted", id: "live" }, "Connecting to live updates…");
  const list = h("div", { id: "features" });
  clear(section, h("p", {}, "Switch plugins and their features for this tenant. Every change asks for a reason and goes to the audit log; data of a switched-off plugin is kept."), live, list);
  let features = await get("/api/v1/features");
  // Keys this page is switching itself: their pushed change is not news to announce.
  const mine = new Set();

  async function onSwitch(feature) {
    const enable = feature.state !== "enabled";
    const cascade = cascadeOf(features, feature.key, enable);
    const verb = enable ? "Enable" : "Disable";
    const body = [h("p", {}, `${verb} `, h("code", {}, feature.key), "?")];
    if (cascade.length) {
      body.push(h("p", { id: "cascade-note" }, enable ? "It requires these, which will be enabled too:" : "These depend on it and will be disabled too:"),
        h("ul", { id: "cascade-list" }, cascade.map((k) => h("li", {}, h("code", {}, k)))));
    }
    if (!enable) body.push(h("p", { class: "muted" }, "Data is kept; its routes answer 404 for this tenant until it is enabled again."));
    const answer = await confirmDialog({ title: `${verb} ${feature.key}`, body, askReason: true, okLabel: cascade.length ? `${verb} ${cascade.length + 1} features` : verb, danger: !enable });
    if (!answer.ok) return;
    for (const key of [feature.key, ...cascade]) mine.add(key);
    const path = `/api/v1/features/${encodeURIComponent(feature.key)}`;
    let result;
    try {
      result = await put(path, { enabled: enable, cascade: cascade.length > 0, reason: answer.reason });
    } catch (error) {
      // Someone changed the features meanwhile: show what stands in the way now, and ask again.
      const blocking = error.status === 409 && Array.isArray(error.problem.features) ? error.problem.features : null;
      if (!blocking) { mine.clear(); sayError(error); return; }
      const again = await confirmDialog({
        title: `${verb} ${feature.key}`,
        body: [h("p", {}, error.message), h("ul", { id: "cascade-list" }, blocking.map((k) => h("li", {}, h("code", {}, k)))), h("p", {}, "Switch these too?")],
        askReason: true, okLabel: `${verb} ${blocking.length + 1} features`, danger: !enable,
      });
      for (const key of blocking) mine.add(key);
      result = again.ok ? await attempt(() => put(path, { enabled: enable, cascade: true, reason: again.reason })) : undefined;
      if (!result) { mine.clear(); return; }
    }
    say(`${verb}d: ${result.changes.map((c) => c.key).join(", ")}.`, "ok");
    features = await get("/api/v1/features");
    mine.clear();
    renderFeatures(list, features, onSwitch, onPurge);
    document.getElementById(`switch-${feature.key}`)?.focus();
  }

  async function onPurge(plugin) {
    mine.add(plugin);
    await purge(plugin);
    features = await get("/api/v1/features");
    mine.clear();
    renderFeatures(list, features, onSwitch, onPurge);
  }

  renderFeatures(list, features, onSwitch, onPurge);
  return stream("/api/v1/features/events", (name, data) => {
    if (name !== "features") return;
    const fresh = JSON.parse(data);
    const before = new Map(features.map((f) => [f.key, f.state]));
    const changed = new Set(fresh.filter((f) => before.get(f.key) !== f.state).map((f) => f.key));
    features = fresh;
    const focused = document.activeElement?.dataset?.key;
    renderFeatures(list, features, onSwitch, onPurge, changed);
    if (focused) document.getElementById(`switch-${focused}`)?.focus();
    live.textContent = "Live: changes by other admins appear here at once.";
    const news = [...changed].filter((k) => !mine.has(k));
    if (news.length) say(`Updated live: ${news.map((k) => `${k} is ${fresh.find((f) => f.key === k).state}`).join(", ")}.`);
  }, { onEnd: (error) => { live.textContent = error ? `Live updates stopped: ${error.message}. Reload to reconnect.` : "Live updates ended. Reload to reconnect."; } });
}

// --- audit log ------------------------------------------------------------------------

function describe(entry) {
  const text = (v) => Array.isArray(v) ? v.join(", ") || "–" : v && typeof v === "object" ? JSON.stringify(v) : v;
  const show = (value) => value ? Object.entries(value).map(([k, v]) => `${k}: ${text(v)}`).join("; ") : "–";
  return `${show(entry.before)} → ${show(entry.after)}`;
}

async function auditView(section) {
  const actor = h("input", { id: "audit-actor", placeholder: "user:… or key:…" });
  // Kernel actions, and any event type the audit consumer records (crm.deal.created, …).
  const action = h("input", { id: "audit-action", list: "audit-actions", placeholder: "any", autocomplete: "off" });
  const actions = h("datalist", { id: "audit-actions" },
    ["feature.changed", "plugin.settings.changed", "preset.applied", "tenant.provisioned"].map((a) => h("option", { value: a })));
  const target = h("input", { id: "audit-target", placeholder: "crm or crm.deals" });
  const since = h("input", { id: "audit-since", type: "datetime-local" });
  const until = h("input", { id: "audit-until", type: "datetime-local" });
  const results = h("div", { id: "audit-results" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  let cursor = null;
  let rows = [];

  function query() {
    const params = new URLSearchParams({ limit: "50", newest_first: "true" });
    if (actor.value.trim()) params.set("actor", actor.value.trim());
    if (action.value.trim()) params.set("action", action.value.trim());
    if (target.value.trim()) params.set("target", target.value.trim());
    if (since.value) params.set("since", new Date(since.value).toISOString());
    if (until.value) params.set("until", new Date(until.value).toISOString());
    if (cursor) params.set("cursor", cursor);
    return `/api/v1/audit-log?${params}`;
  }
  async function load(reset) {
    if (reset) { cursor = null; rows = []; }
    const page = await attempt(() => get(query()));
    if (!page) return;
    cursor = page.next_cursor;
    rows.push(...page.items.map((e) => h("tr", { "data-target": e.target },
      h("td", {}, formatTime(e.created_at)), h("td", {}, h("code", {}, e.actor)), h("td", {}, e.action),
      h("td", {}, h("code", {}, e.target)), h("td", {}, describe(e)), h("td", { class: "reason" }, e.reason || "–"))));
    clear(results, table(["When", "Actor", "Action", "Target", "Change", "Reason"], rows, { caption: "Newest first" }));
    more.hidden = !cursor;
  }
  const form = h("form", { class: "card", "aria-label": "Filters" },
    h("div", { class: "grid2" },
      h("div", {}, field("Actor", actor)), h("div", {}, field("Action", action), actions),
      h("div", {}, field("Target (feature or plugin)", target)),
      h("div", {}, field("Since", since)), h("div", {}, field("Until", until))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "audit-apply" }, "Filter")));
  form.addEventListener("submit", (event) => { event.preventDefault(); load(true); });
  more.addEventListener("click", () => load(false));
  clear(section, form, results, more);
  await load(true);
}

// --- presets --------------------------------------------------------------------------

function planList(title, keys, cls, sign) {
  return h("div", {}, h("h3", {}, title),
    keys.length ? h("ul", {}, keys.map((k) => h("li", { class: cls }, `${sign} `, h("code", {}, k)))) : h("p", { class: "muted" }, "none"));
}

export function renderPlan(plan) {
  return h("div", { class: "card", id: "preset-plan" },
    h("p", {}, plan.dry_run ? "Preview (nothing changed yet): " : "Applied: ", h("code", {}, plan.previous || "no preset"), " → ", h("code", {}, plan.preset)),
    h("div", { class: "grid2" },
      planList("Would be enabled", plan.enable, "diff-add", "+"),
      planList("Would be disabled (data kept)", plan.disable, "diff-del", "−"),
      planList("Seeded on first enable", plan.reseed, "", "•")),
    h("p", { class: "muted" }, "Your own overrides stay on top of the preset."));
}

async function presetsView(section) {
  const [own, catalog] = await Promise.all([get("/api/v1/preset"), get("/api/v1/presets")]);
  const current = own.preset ? catalog.find((p) => p.name === own.preset) : null;
  const select = h("select", { id: "preset-choice" }, catalog.map((p) => h("option", { value: p.name, selected: p.name === own.preset }, `${p.title} (${p.name})`)));
  const result = h("div", { id: "preset-result" });
  const preview = h("button", { type: "button", id: "preset-preview" }, "Preview");
  const apply = h("button", { type: "button", id: "preset-apply", class: "primary", disabled: true }, "Apply…");
  preview.addEventListener("click", async () => {
    const plan = await attempt(() => post("/api/v1/preset", { preset: select.value, dry_run: true }));
    if (!plan) return;
    clear(result, renderPlan(plan));
    apply.disabled = false;
  });
  select.addEventListener("change", () => { apply.disabled = true; clear(result); });
  apply.addEventListener("click", async () => {
    const answer = await confirmDialog({ title: `Apply preset ${select.value}`, body: h("p", {}, "Switch this tenant to the preset shown in the preview?"), askReason: true, okLabel: "Apply" });
    if (!answer.ok) return;
    const plan = await attempt(() => post("/api/v1/preset", { preset: select.value, dry_run: false, reason: answer.reason }), "Preset applied.");
    if (plan) { clear(result, renderPlan(plan)); apply.disabled = true; }
  });
  clear(section,
    h("section", { class: "card" }, h("h2", {}, "This tenant's preset"),
      current ? [h("p", {}, h("strong", {}, current.title), " ", h("code", {}, current.name), " — ", current.description),
        h("p", {}, "Plugins: ", current.plugins.length ? current.plugins.join(", ") : "none")]
        : h("p", {}, "No preset: every installed plugin starts switched on.")),
    h("section", { class: "card" }, h("h2", {}, "Preview another preset"), field("Preset", select),
      h("div", { class: "actions" }, preview, apply)),
    result);
}

// --- users ----------------------------------------------------------------------------

function roleSelect(id, value) {
  return h("select", { id }, h("option", { value: "member", selected: value === "member" }, "member"),
    h("option", { value: "tenant_admin", selected: value === "tenant_admin" }, "tenant_admin"));
}

async function usersView(section) {
  const list = h("div", { id: "users" });
  async function load() {
    const users = await all("/api/v1/users");
    clear(list, table(["Email", "Name", "Role", "Status", ""], users.map((user) => {
      const role = roleSelect(`role-${user.id}`, user.roles.includes("tenant_admin") ? "tenant_admin" : "member");
      role.setAttribute("aria-label", `Role of ${user.email}`);
      role.addEventListener("change", async () => {
        const done = await attempt(() => patch(`/api/v1/users/${user.id}`, { roles: [role.value] }), `${user.email} is now ${role.value}.`);
        if (!done) await load();
      });
      const toggle = h("button", { type: "button", class: user.disabled ? "" : "danger" }, user.disabled ? `Enable ${user.email}` : `Disable ${user.email}`);
      toggle.addEventListener("click", async () => {
        if (!user.disabled) {
          const answer = await confirmDialog({ title: "Disable user", body: h("p", {}, `${user.email} will no longer be able to sign in.`), okLabel: "Disable", danger: true });
          if (!answer.ok) return;
        }
        if (await attempt(() => patch(`/api/v1/users/${user.id}`, { disabled: !user.disabled }), user.disabled ? "User enabled." : "User disabled.")) await load();
      });
      return h("tr", {}, h("td", {}, user.email), h("td", {}, user.name), h("td", {}, role), h("td", {}, badge(user.disabled ? "disabled" : "active")), h("td", {}, toggle));
    })));
  }
  const email = h("input", { id: "invite-email", type: "email", required: true, autocomplete: "off" });
  const name = h("input", { id: "invite-name", required: true, autocomplete: "off" });
  const role = roleSelect("invite-role", "member");
  const password = h("input", { id: "invite-password", type: "password", autocomplete: "new-password", minlength: 8 });
  const form = h("form", { class: "card", "aria-labelledby": "invite-title" }, h("h2", { id: "invite-title" }, "Invite a user"),
    h("div", { class: "grid2" }, h("div", {}, field("Email", email)), h("div", {}, field("Name", name)),
      h("div", {}, field("Role", role)), h("div", {}, field("Password (optional; without one they get an invitation link)", password))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Invite")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { email: email.value.trim(), name: name.value.trim(), roles: [role.value] };
    if (password.value) body.password = password.value;
    password.value = "";
    const created = await attempt(() => post("/api/v1/users", body));
    if (!created) return;
    form.reset();
    const invitation = created.invitation;
    if (invitation && invitation.delivery === "unavailable") {
      // Notifications is off: nothing was emailed, so the admin passes the link on.
      clear(handOver, h("h2", {}, `Invitation of ${created.email}`),
        h("p", {}, "Notifications are off for this tenant, so no email was sent. Pass this link on; it works once, until ",
          formatTime(invitation.expires_at), ":"),
        h("p", {}, h("input", { id: "invite-link", readonly: true, value: invitation.url, "aria-label": `Invitation link of ${created.email}`, size: 60 })));
      handOver.hidden = false;
      say(`Added ${created.email}: pass the invitation link on.`, "ok");
    } else {
      handOver.hidden = true;
      say(invitation ? `Invited ${created.email}: the invitation is emailed.` : `Added ${created.email}.`, "ok");
    }
    await load();
  });
  const handOver = h("div", { class: "card", id: "invite-handover", hidden: true });
  clear(section, form, handOver, list);
  await load();
}

// --- API keys -------------------------------------------------------------------------

async function keysView(section) {
  const list = h("div", { id: "keys" });
  const shown = h("div", { id: "new-key", "aria-live": "polite" });
  async function load() {
    const keys = await all("/api/v1/api-keys");
    clear(list, table(["Name", "Roles", "Scopes", "Created", "Last used", "Status", ""], keys.map((key) => {
      const revoke = key.revoked_at ? "" : h("button", { type: "button", class: "danger" }, `Revoke ${key.name}`);
      if (revoke) revoke.addEventListener("click", async () => {
        const answer = await confirmDialog({ title: "Revoke key", body: h("p", {}, `Revoke “${key.name}”? Anything using it stops working within seconds.`), okLabel: "Revoke", danger: true });
        if (answer.ok && (await attempt(() => del(`/api/v1/api-keys/${key.id}`), "Key revoked."))  !== undefined) await load();
      });
      return h("tr", {}, h("td", {}, key.name), h("td", {}, key.roles.join(", ")), h("td", {}, key.scopes.join(", ")),
        h("td", {}, formatTime(key.created_at)), h("td", {}, formatTime(key.last_used_at) || "never"),
        h("td", {}, badge(key.revoked_at ? "revoked" : "active")), h("td", {}, revoke));
    })));
  }
  const name = h("input", { id: "key-name", required: true, autocomplete: "off" });
  const role = roleSelect("key-role", "member");
  const scopes = h("input", { id: "key-scopes", value: "*", autocomplete: "off" });
  const expires = h("input", { id: "key-expires", type: "datetime-local" });
  const form = h("form", { class: "card", "aria-labelledby": "key-title" }, h("h2", { id: "key-title" }, "Create an API key"),
    h("div", { class: "grid2" }, h("div", {}, field("Name", name)), h("div", {}, field("Role", role)),
      h("div", {}, field("Scopes (comma-separated; * for all)", scopes)), h("div", {}, field("Expires (optional)", expires))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create key")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), roles: [role.value], scopes: scopes.value.split(",").map((s) => s.trim()).filter(Boolean) };
    if (expires.value) body.expires_at = new Date(expires.value).toISOString();
    const created = await attempt(() => post("/api/v1/api-keys", body));
    if (!created) return;
    // Shown this once, never stored: it leaves the page when you navigate away.
    clear(shown, h("div", { class: "card" }, h("h2", {}, "Your new key"),
      h("p", {}, "Copy it now: it is shown only this once."),
      h("p", { class: "secret", id: "new-key-value", tabindex: "0" }, created.key)));
    form.reset();
    scopes.value = "*";
    await load();
  });
  clear(section, form, shown, list);
  await load();
}

export const tenantViews = {
  features: { title: "Features", render: featuresView },
  settings: { title: "Settings", render: settingsView },
  audit: { title: "Audit log", render: auditView },
  presets: { title: "Preset", render: presetsView },
  users: { title: "Users", render: usersView },
  keys: { title: "API keys", render: keysView },
};
