// The journal's offline outbox: check-ins, journal entries, goals and goal ratings made
// without a connection wait here until they can be sent.
//
// - IndexedDB database "waymark-outbox", one object store "items", keyed by client_id.
// - Each item is sent with its own client_id, so a retry after a lost answer never makes a
//   second copy (the server stores a client_id once and answers with the first record).
// - Sent on app start, on the `online` event, and whenever the journal is opened.
// - A rating of a goal that was itself made offline names the goal by its client_id; the
//   goal is sent first and the rating then finds the goal's real id.
// - An item the server refuses for good (a 4xx other than 401/429) is kept, marked
//   "couldn't send", so nothing disappears without the young person seeing it.
// - Log-out deletes the database (session.js).
// Screens hear about changes through the window event "waymark:outbox".

import { api, ApiError } from './api.js';

export const OUTBOX_DB = 'waymark-outbox';
const STORE = 'items';
const EVENT = 'waymark:outbox';

function openDb() {
  return new Promise((resolve, reject) => {
    if (!('indexedDB' in window)) {
      reject(new Error('no IndexedDB'));
      return;
    }
    const req = indexedDB.open(OUTBOX_DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'client_id' });
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close(); // let log-out delete the database
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked'));
  });
}

async function withStore(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const store = tx.objectStore(STORE);
      let result;
      Promise.resolve(fn(store)).then((r) => { result = r; }, reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function changed() {
  window.dispatchEvent(new CustomEvent(EVENT));
}

/** Every waiting item, oldest first. Never throws (no IndexedDB: an empty list). */
export async function listOutbox() {
  try {
    const items = await withStore('readonly', (store) => request(store.getAll()));
    return (items || []).sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  } catch {
    return [];
  }
}

async function putItem(item) {
  await withStore('readwrite', (store) => request(store.put(item)));
  changed();
}

export async function removeFromOutbox(clientId) {
  try {
    await withStore('readwrite', (store) => request(store.delete(clientId)));
  } catch { /* already gone */ }
  changed();
}

/** Is this error a lost connection (keep the item and try later) rather than a refusal? */
export function isNetworkError(err) {
  return !(err instanceof ApiError) || err.offline || err.status === 0 || err.status >= 500
    || err.status === 401 || err.status === 429;
}

/**
 * Send a write now, or keep it in the outbox when there is no connection.
 * item: { kind: 'mood'|'journal'|'goal'|'rating', path, body (with client_id), label,
 *         goal_client_id? (a rating of a goal made offline: path is filled in later) }.
 * Resolves to { sent: true, result } or { queued: true }. Throws ApiError for a refusal.
 */
export async function sendOrQueue(item) {
  const entry = { ...item, client_id: item.body.client_id, created_at: new Date().toISOString() };
  if (navigator.onLine !== false && entry.path) {
    try {
      const result = await api(entry.path, { method: 'POST', body: entry.body });
      return { sent: true, result };
    } catch (err) {
      if (!isNetworkError(err) || err.status === 401) throw err;
    }
  }
  try {
    await putItem(entry);
  } catch {
    throw new ApiError({ status: 0, offline: true, detail: "You're offline and this phone can't save it for later." });
  }
  return { queued: true };
}

let flushing = null;

/** Send everything waiting, oldest first. Resolves to how many were sent. */
export function flushOutbox() {
  if (!flushing) {
    flushing = doFlush().finally(() => { flushing = null; });
  }
  return flushing;
}

async function goalIdFor(goalClientId, madeNow) {
  if (madeNow.has(goalClientId)) return madeNow.get(goalClientId);
  const data = await api('/goals');
  const goal = ((data && data.items) || []).find((g) => g.client_id === goalClientId);
  return goal ? goal.id : null;
}

async function doFlush() {
  if (navigator.onLine === false) return 0;
  const items = await listOutbox();
  const madeGoals = new Map(); // goal client_id → id, for ratings of goals made offline
  let sent = 0;
  for (const item of items) {
    if (item.failed) continue;
    try {
      let path = item.path;
      if (!path && item.goal_client_id) {
        const goalId = await goalIdFor(item.goal_client_id, madeGoals);
        if (!goalId) {
          // Its goal is still waiting (or couldn't be sent): try again next time.
          if (items.some((i) => i.client_id === item.goal_client_id)) continue;
          await putItem({ ...item, failed: 'The goal for this rating is gone.' });
          continue;
        }
        path = `/goals/${encodeURIComponent(goalId)}/ratings`;
      }
      const result = await api(path, { method: 'POST', body: item.body });
      if (item.kind === 'goal' && result && result.id) madeGoals.set(item.client_id, result.id);
      await removeFromOutbox(item.client_id);
      sent += 1;
    } catch (err) {
      if (isNetworkError(err)) break; // the connection went again: keep the rest in order
      await putItem({ ...item, failed: err.detail || "This couldn't be sent." });
    }
  }
  return sent;
}

let started = false;

/** Send waiting items now and whenever the connection comes back (called once at start-up). */
export function startOutboxSync() {
  if (started) return;
  started = true;
  window.addEventListener('online', () => { flushOutbox().catch(() => {}); });
  flushOutbox().catch(() => {});
}

export const OUTBOX_EVENT = EVENT;
