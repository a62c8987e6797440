// The phone's journal key: what the app keeps of the journal on this phone (the offline
// outbox, and entries saved for reading offline) is sealed with it (AES-256-GCM, Web Crypto).
//
// - GET /api/v1/journal/device-key gives this person's keys (newest first, each with an
//   id). They are imported as NON-EXTRACTABLE CryptoKeys and kept in IndexedDB
//   "waymark-keys", so the app can seal new writes while offline; script can use them but
//   never read them out.
// - Log-out and Quick exit delete "waymark-keys". What is sealed stays unreadable on the
//   phone until the same person logs in again (the server gives the same keys back); the
//   outbox is then opened and sent. Someone else logging in gets other keys: sealed items
//   that aren't theirs stay sealed and are never sent under their account.
// See docs/journal-encryption.md ("On the phone").

import { api } from './api.js';
import { KEYS_DB } from './local-databases.js';

export { KEYS_DB };
const STORE = 'keys';

/**
 * Open one of the app's IndexedDB databases (version 1; `upgrade(db)` makes its stores). The
 * connection closes itself when log-out deletes the database.
 */
export function openDatabase(name, upgrade) {
  return new Promise((resolve, reject) => {
    if (!('indexedDB' in window)) {
      reject(new Error('no IndexedDB'));
      return;
    }
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => {
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked'));
  });
}

const openDb = () => openDatabase(KEYS_DB, (db) => db.createObjectStore(STORE, { keyPath: 'id' }));

/** Run `fn(store)` in one transaction; resolves to what fn's request gave. */
export async function inStore(db, store, mode, fn) {
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      let result;
      const req = fn(tx.objectStore(store));
      if (req) req.onsuccess = () => { result = req.result; };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function toBase64(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

let cached = null; // [{id, key}] newest first, for this page

/**
 * Fetch this person's keys and keep them (non-extractable) on the phone. Called when a young
 * person is signed in and online. Resolves to true when the keys are ready.
 */
export async function refreshDeviceKeys() {
  try {
    const data = await api('/journal/device-key');
    const keys = await Promise.all(((data && data.keys) || []).map(async (k, order) => ({
      id: k.id,
      order,
      key: await crypto.subtle.importKey('raw', fromBase64Url(k.key), 'AES-GCM', false, ['encrypt', 'decrypt']),
    })));
    if (!keys.length) return false;
    await inStore(await openDb(), STORE, 'readwrite', (store) => {
      store.clear();
      for (const k of keys) store.put(k);
    });
    cached = keys;
    return true;
  } catch {
    return false;
  }
}

async function deviceKeys() {
  if (cached) return cached;
  try {
    const keys = await inStore(await openDb(), STORE, 'readonly', (store) => store.getAll());
    cached = (keys || []).sort((a, b) => a.order - b.order);
  } catch {
    cached = [];
  }
  return cached;
}

/** Seal a JSON-able value with the newest key: {key_id, iv, data}. Throws when there is no key. */
export async function seal(value) {
  const [newest] = await deviceKeys();
  if (!newest) throw new Error('no device key');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, newest.key, plain);
  return { key_id: newest.id, iv: toBase64(iv), data: toBase64(data) };
}

/** Open a sealed value; null when this phone has no key for it (locked) or it was changed. */
export async function unseal(sealed) {
  if (!sealed || typeof sealed !== 'object') return null;
  const found = (await deviceKeys()).find((k) => k.id === sealed.key_id);
  if (!found) return null;
  try {
    const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, found.key, bytes(sealed.data));
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null; // another person's key with the same id can't open it: it stays locked
  }
}

/** Forget the keys on this page (the database itself is deleted by log-out and Quick exit). */
export function forgetDeviceKeys() {
  cached = null;
}
