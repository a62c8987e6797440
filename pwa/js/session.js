// Who is signed in, and wiping this device's Waymark data on log-out.
//
// The session itself is an HttpOnly cookie the app cannot read. We keep a copy of
// {username, role, council_code} in localStorage only so the right screens show when the
// phone is offline; it is removed on log-out and whenever the server says "not signed in".

import { api, ApiError, FIRST_STEPS } from './api.js';
import { OUTBOX_DB, flushOutbox } from './outbox.js';
import { turnOffPush } from './push.js';

const USER_KEY = 'waymark.user';
/**
 * IndexedDB databases this app creates: the journal's offline outbox. (The chat's outbox of
 * un-acknowledged messages lives in sessionStorage; the risk-check words in localStorage.)
 */
export const APP_DATABASES = [OUTBOX_DB];
/** Cache Storage caches that hold API responses (see sw.js). */
export const API_CACHE_PREFIX = 'waymark-api';

export const STAFF_ROLES = new Set(['counsellor', 'moderator', 'council_admin', 'admin']);
export const COUNCIL_ROLES = new Set(['council_admin', 'admin']);
export const MODERATION_ROLES = new Set(['moderator', 'admin']);

export function isStaff(user) {
  return Boolean(user && STAFF_ROLES.has(user.role));
}

function remember(user) {
  try {
    if (user) {
      localStorage.setItem(USER_KEY, JSON.stringify({
        id: user.id, username: user.username, role: user.role, council_code: user.council_code ?? null,
        name: user.name ?? null, pending: user.pending ?? null,
      }));
    } else {
      localStorage.removeItem(USER_KEY);
    }
  } catch {
    /* storage may be off (private mode); that's fine */
  }
}

function remembered() {
  try {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/**
 * Ask the server who we are. Returns the user or null. When offline, falls back to the
 * remembered copy so the app still opens on the right screens.
 */
export async function loadUser() {
  try {
    const user = await api('/me');
    remember(user);
    return user;
  } catch (err) {
    if (err instanceof ApiError && (err.offline || err.status === 0 || err.status >= 500)) {
      return remembered();
    }
    if (err instanceof ApiError && err.status === 403 && FIRST_STEPS.has(err.code) && remembered()) {
      return { ...remembered(), pending: err.code }; // signed in, with one thing to do first
    }
    remember(null);
    return null;
  }
}

export function saveUser(user) {
  remember(user);
}

/**
 * Remove everything Waymark stored on this device (not the shell files, which hold no data):
 * localStorage (the remembered user, the risk-check words), sessionStorage (the chat's
 * un-sent messages), the API caches and every waymark* IndexedDB database (the journal's
 * offline outbox).
 */
export async function clearLocalData() {
  try { localStorage.clear(); } catch { /* ignore */ }
  try { sessionStorage.clear(); } catch { /* ignore */ }
  if ('caches' in window) {
    try {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith(API_CACHE_PREFIX)).map((k) => caches.delete(k)));
    } catch { /* ignore */ }
  }
  if ('indexedDB' in window) {
    const names = new Set(APP_DATABASES);
    try {
      if (indexedDB.databases) {
        for (const db of await indexedDB.databases()) {
          if (db.name && db.name.startsWith('waymark')) names.add(db.name);
        }
      }
    } catch { /* ignore */ }
    await Promise.all([...names].map((name) => new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    })));
  }
}

/** Log out on the server (if we can reach it) and wipe local data either way. */
export async function logOut() {
  // Last chance for check-ins and entries made offline: send them if we can (briefly).
  if (navigator.onLine !== false) {
    await Promise.race([flushOutbox().catch(() => 0), new Promise((r) => { setTimeout(r, 4000); })]);
  }
  // Notifications belong to this person: stop them on this device (and tell the server,
  // while the session still exists), so the next person on this phone doesn't get them.
  await Promise.race([turnOffPush().catch(() => {}), new Promise((r) => { setTimeout(r, 2000); })]);
  let reached = true;
  try {
    await api('/auth/logout', { method: 'POST' });
  } catch (err) {
    reached = !(err instanceof ApiError && err.offline);
  }
  await clearLocalData();
  return reached;
}
