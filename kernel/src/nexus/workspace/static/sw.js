// The workspace's service worker: the shell (page, styles, scripts, catalogs) is cached so
// the app opens offline; API calls always go to the network; an offline navigation gets
// the offline page. The editors and their half-megabyte bundle are cached when first
// fetched, not at install: a document needs the network to sync anyway.
const CACHE = "nexus-app-v3";
const SHELL = [
  "/app/", "/app/assets/base.css", "/app/assets/app.css", "/app/assets/offline.html", "/app/assets/icon.svg",
  "/app/assets/js/main.js", "/app/assets/js/api.js", "/app/assets/js/ui.js",
  "/app/assets/js/schema.js", "/app/assets/js/views.js", "/app/assets/js/i18n.js",
  "/app/assets/js/form.js", "/app/assets/js/board.js", "/app/assets/js/home.js",
  "/app/assets/js/feed.js", "/app/assets/js/calendar.js", "/app/assets/js/editor.js",
  "/app/assets/editors.css",
  "/app/assets/locales/en.json", "/app/assets/locales/fr.json",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !url.pathname.startsWith("/app")) return;
  // Network first (a new kernel brings new assets), the cached shell when offline.
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(async () => {
    const cached = await caches.match(event.request);
    if (cached) return cached;
    if (event.request.mode === "navigate") return caches.match("/app/assets/offline.html");
    return Response.error();
  }));
});
