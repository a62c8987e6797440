// Waymark service worker.
//
// - The shell: the server (backend/pwa_files.py) fills in VERSION (a hash of every file in
//   pwa/) and PRECACHE (index.html, what it links, and the modules of the screens that must
//   open offline: pwa/precache.json, with everything they import; never js/staff/). Those
//   are saved at install; any other file of this version (/v/<VERSION>/…) is saved the first
//   time it is used. Both are served cache-first. A file's versioned address never changes
//   its content, so nothing needs bumping by hand. (Served without the server, as by
//   `python3 -m http.server`, VERSION stays 'dev' and nothing is saved ahead.)
// - Public API reads — /api/v1/articles*, /api/v1/topics, /api/v1/crisis-lines,
//   /api/v1/councils — are network-first with a cache fallback, so the library and the
//   crisis lines work offline. After install, the article list and the 10 most-read articles
//   are saved too.
// - Nothing else from the API is ever cached (it may be private), and no non-GET request
//   is ever cached.
// - Web Push: `push` shows the payload's title and one line (tag "waymark", so a newer one
//   replaces an older one; no vibration pattern, no image); `notificationclick` opens the
//   payload's url in Waymark (an open window is asked to go there, else a new one opens).

// Filled in by the server (backend/pwa_files.py); keep these two lines exactly as they are.
const VERSION = 'dev';
const PRECACHE = [];

const SHELL_CACHE = `waymark-shell-${VERSION}`;
const API_CACHE = 'waymark-api-v1'; // the app deletes every "waymark-api*" cache on log-out
const NETWORK_TIMEOUT_MS = 6000; // on a slow connection, fall back to a saved copy after this
const PRECACHE_ARTICLES = 10;

const SCOPE = new URL('./', self.location).href;
const shellUrl = (path) => new URL(path, SCOPE).href;
const INDEX_URL = SCOPE; // the page, as the server sends it at / (and /index.html)
const ROOT_PATH = new URL(SCOPE).pathname; // "/"
const THIS_VERSION = `${ROOT_PATH}v/${VERSION}/`; // this version's files, immutable
const PRECACHED = new Set(PRECACHE.map(shellUrl));

/** Public API paths that may be cached. */
function isCacheableApi(url) {
  const p = url.pathname;
  return p === '/api/v1/articles' || p.startsWith('/api/v1/articles/')
    || p === '/api/v1/topics' || p === '/api/v1/crisis-lines' || p === '/api/v1/councils';
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // A versioned file never changes: the copy the page just loaded (HTTP cache) is the right
    // one, so it is not downloaded twice. index.html and the manifest are checked with the server.
    await cache.addAll(PRECACHE.map((p) => new Request(shellUrl(p),
      { cache: p.startsWith(THIS_VERSION) ? 'default' : 'no-cache' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys
      .filter((k) => k.startsWith('waymark-shell-') && k !== SHELL_CACHE)
      .map((k) => caches.delete(k)));
    await self.clients.claim();
  })());
  // Not awaited by activation: saving articles must never hold the app up.
  precacheArticles();
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'precache-articles') {
    event.waitUntil(precacheArticles());
  }
});

/** Save the article list, the first articles, topics and crisis lines for offline use. */
async function precacheArticles() {
  try {
    const cache = await caches.open(API_CACHE);
    const save = async (path) => {
      const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (res.ok) await cache.put(path, res.clone());
      return res;
    };
    await Promise.allSettled([save('/api/v1/topics'), save('/api/v1/crisis-lines')]);
    const listRes = await save('/api/v1/articles');
    if (!listRes.ok) return;
    // The most-read articles (a saved copy is not a read: the server is told not to count it).
    const popular = await fetch(`/api/v1/articles?sort=popular&limit=${PRECACHE_ARTICLES}`,
      { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const data = popular.ok ? await popular.json() : await listRes.clone().json();
    const slugs = ((data && data.items) || []).slice(0, PRECACHE_ARTICLES).map((a) => a.slug).filter(Boolean);
    await Promise.allSettled(slugs.map(async (slug) => {
      const path = `/api/v1/articles/${encodeURIComponent(slug)}`;
      const res = await fetch(path, { credentials: 'same-origin',
        headers: { Accept: 'application/json', 'X-Waymark-Precache': '1' } });
      if (res.ok) await cache.put(path, res);
    }));
  } catch {
    /* offline or the API is down: try again next time */
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return; // never touch (or cache) writes
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith('/api/')) {
    if (isCacheableApi(url)) event.respondWith(networkFirst(request));
    return; // every other API call goes straight to the network, uncached
  }

  if (request.mode === 'navigate') {
    if (url.pathname === ROOT_PATH || url.pathname === `${ROOT_PATH}index.html`) {
      event.respondWith(shellFirst(INDEX_URL, request));
    }
    return;
  }

  const key = url.origin + url.pathname;
  if (url.pathname.startsWith(THIS_VERSION)) {
    event.respondWith(versionedFirst(key, request));
  } else if (PRECACHED.has(key)) {
    event.respondWith(shellFirst(key, request));
  }
  // Anything else (another version's file: the server sends this version's) goes to the network.
});

async function shellFirst(key, request) {
  const cached = await caches.match(key, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  return fetch(request);
}

/** A file of this version: from the shell cache, or fetched once and kept there. */
async function versionedFirst(key, request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.status === 200 && res.type === 'basic' && !res.redirected) {
    try {
      await cache.put(key, res.clone());
    } catch { /* not stored this time: it still answers */ }
  }
  return res;
}

function offlineProblem() {
  return new Response(JSON.stringify({
    status: 503,
    title: 'Offline',
    detail: "You're offline, and this isn't saved on this phone yet.",
    code: 'offline',
  }), { status: 503, headers: { 'Content-Type': 'application/problem+json' } });
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  const network = fetch(request).then(async (res) => {
    if (res.ok && res.type === 'basic') {
      try {
        await cache.put(request, res.clone());
      } catch { /* a response that can't be stored is still a good answer */ }
    }
    return res;
  });
  network.catch(() => { /* handled below */ });

  let timer;
  const slow = new Promise((resolve) => { timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, 'slow'); });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== 'slow') {
      if (first.status < 500) return first;
      // Server trouble: a saved copy is better than an error page.
      return (await cache.match(request, { ignoreVary: true })) || first;
    }
    // The network is slow: use a saved copy if there is one, otherwise keep waiting.
    const saved = await cache.match(request, { ignoreVary: true });
    return saved || await network;
  } catch {
    const saved = await cache.match(request, { ignoreVary: true });
    return saved || offlineProblem();
  } finally {
    clearTimeout(timer);
  }
}

// --- Web Push ------------------------------------------------------------------------------

const NOTIFICATION_TAG = 'waymark';

/** Only a Waymark address: the hash route of a same-origin URL, or the start. */
function notificationTarget(url) {
  try {
    const target = new URL(url || './', SCOPE);
    if (target.origin !== self.location.origin) return { href: SCOPE, hash: '' };
    const hash = target.hash.startsWith('#/') ? target.hash : '';
    return { href: new URL(`./${hash}`, SCOPE).href, hash };
  } catch {
    return { href: SCOPE, hash: '' };
  }
}

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : '' };
  }
  const title = typeof payload.title === 'string' && payload.title ? payload.title.slice(0, 60) : 'Waymark';
  const body = typeof payload.body === 'string' ? payload.body.slice(0, 200) : '';
  event.waitUntil(self.registration.showNotification(title, {
    body,
    tag: NOTIFICATION_TAG,
    data: { url: typeof payload.url === 'string' ? payload.url : '/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { href, hash } = notificationTarget(event.notification.data && event.notification.data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((c) => c.url.startsWith(SCOPE));
    if (open) {
      await open.focus();
      // The app changes screen itself (replacing the history entry, as every navigation does).
      if (hash) open.postMessage({ type: 'open', hash });
      return;
    }
    await self.clients.openWindow(href);
  })());
});
