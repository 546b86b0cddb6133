/**
 * The viewer's service worker (bundled to /sw.js): keeps the app shell so a tablet that wakes
 * without Wi-Fi still shows the viewer and its "waiting for Wi-Fi" state instead of the browser's
 * error page, and so the kiosk can be installed as an app. Network first, always: on a LAN the
 * box is fast and its viewer must never be stale. The API, signaling and the built-in pages are
 * never touched.
 */

/** Bump to drop every older cache on the next activation. */
const CACHE = "jiomosa-shell-v1";
/** The app shell; `/` and `/viewer` are the same page, cached under both names. */
const SHELL = ["/", "/viewer", "/app.js", "/manifest.webmanifest", "/icons/icon.svg"];
/** Cached when a page uses it, never fetched ahead: only outdated browsers load the legacy bundle. */
const ON_USE = ["/app-legacy.js"];
const cachedPath = (path: string): boolean => SHELL.includes(path) || ON_USE.includes(path);
/** Never answered from the cache, never stored. */
const BYPASS = ["/api/", "/ws/", "/pages/"];

// The DOM lib has no service-worker types and the WebWorker lib clashes with it: the little used here, typed locally.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const scope = self as unknown as ServiceWorkerScope;
// A module, so none of the above leaks into the viewer's global types.
export {};

scope.addEventListener("install", (event) => {
  // Each entry on its own: a missing icon must not keep the rest out of the cache.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(SHELL.map((path) => cache.add(path).catch(() => undefined))))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("jiomosa-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin || BYPASS.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    // Every page of the viewer is the same shell; offline, any cached copy of it will do.
    event.respondWith(networkFirst(request, url.pathname === "/viewer" ? "/viewer" : "/"));
  } else if (cachedPath(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});

async function networkFirst(request: Request, cacheKey: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && cachedPath(cacheKey)) await cache.put(cacheKey, response.clone());
    return response;
  } catch (err) {
    const cached = (await cache.match(cacheKey)) ?? (await cache.match("/"));
    if (cached) return cached;
    throw err;
  }
}
