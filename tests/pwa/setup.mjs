// A browser-like world for the PWA's modules under `node --test`: jsdom's window and
// document, IndexedDB (fake-indexeddb), and fetch against a real local HTTP server that the
// test describes (relative URLs resolve against the page's address, cookies the server sets
// land in document.cookie, as in a browser).
import 'fake-indexeddb/auto';
import http from 'node:http';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://waymark.test/' });
const { window } = dom;
for (const name of ['window', 'document', 'navigator', 'Node', 'HTMLElement', 'CustomEvent', 'Event', 'getComputedStyle',
  'AbortController', 'AbortSignal', 'localStorage', 'sessionStorage']) {
  Object.defineProperty(globalThis, name, { value: name === 'window' ? window : window[name], configurable: true, writable: true });
}
window.indexedDB = globalThis.indexedDB;
window.scrollTo = () => {};

/** Start a server answering with `handler(req, body) -> {status, headers, body}`. */
export async function startApi(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', async () => {
      const seen = { method: req.method, url: req.url, headers: req.headers, body: data ? JSON.parse(data) : undefined };
      requests.push(seen);
      const answer = await handler(seen);
      res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const realFetch = globalThis.__realFetch ?? globalThis.fetch;
  globalThis.__realFetch = realFetch;
  globalThis.fetch = async (url, init = {}) => {
    const target = new URL(String(url), base);
    const headers = { ...(init.headers || {}) };
    if (window.document.cookie) headers.cookie = window.document.cookie;
    const res = await realFetch(target, { ...init, headers });
    for (const cookie of res.headers.getSetCookie?.() ?? []) window.document.cookie = cookie.split(';')[0];
    return res;
  };
  return {
    requests,
    close: () => new Promise((resolve) => { globalThis.fetch = realFetch; server.close(resolve); }),
  };
}

/** fetch that fails as a dropped connection does. */
export function goOffline() {
  globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
}

export function clearCookies() {
  for (const part of window.document.cookie.split(';')) {
    const name = part.split('=')[0].trim();
    if (name) window.document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
}
