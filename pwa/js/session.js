// Who is signed in, and wiping this device's Waymark data on log-out.
//
// The session itself is an HttpOnly cookie the app cannot read. We keep a copy of
// {username, role, council_code} in localStorage only so the right screens show when the
// phone is offline; it is removed on log-out and whenever the server says "not signed in".

import { api, ApiError, FIRST_STEPS } from './api.js';
import { OUTBOX_DB, KEYS_DB, SAVED_DB } from './local-databases.js';
import { QUICK_EXIT_MARK } from './quick-exit.js';

// The outbox, the journal keys and notifications are loaded only when someone logs out (or
// the journal needs them), not on every start of the app: a signed-out first visit never runs them.

const USER_KEY = 'waymark.user';
/**
 * IndexedDB databases this app deletes on log-out: the phone's journal keys and the journal
 * entries saved for reading offline. (The chat's outbox of un-acknowledged messages lives in
 * sessionStorage; the risk-check words in localStorage.) The journal's outbox
 * (waymark-outbox) is KEPT: its items are sealed with the keys deleted here, and are sent
 * after the same person logs in again (see outbox.js).
 */
export const APP_DATABASES = [KEYS_DB, SAVED_DB];
/** Cache Storage caches that hold API responses (see sw.js). */
export const API_CACHE_PREFIX = 'waymark-api';

export const STAFF_ROLES = new Set(['counsellor', 'supervisor', 'moderator', 'council_admin', 'admin']);
/** Roles that take chats and answer messages to the team. */
export const COUNSELLING_ROLES = new Set(['counsellor', 'supervisor']);
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
 * The server sets this readable, non-personal cookie next to the HttpOnly session cookie
 * and removes it with the session (backend/security.py, signed_in_hint).
 */
export const SIGNED_IN_HINT = 'waymark_signed_in';

function hasSignedInHint() {
  try {
    return document.cookie.split(';').some((part) => part.trim().startsWith(`${SIGNED_IN_HINT}=1`));
  } catch {
    return true; // cookies unreadable: ask the server
  }
}

function dropSignedInHint() {
  try { document.cookie = `${SIGNED_IN_HINT}=; Max-Age=0; Path=/; SameSite=Lax`; } catch { /* ignore */ }
}

/**
 * Ask the server who we are. Returns the user or null. When offline, falls back to the
 * remembered copy so the app still opens on the right screens. With neither the server's
 * signed-in hint nor a remembered user this device has no session: the server is not asked
 * (it would only answer 401).
 */
export async function loadUser() {
  if (!hasSignedInHint() && !remembered()) return null;
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
    if (err instanceof ApiError && err.status === 401) dropSignedInHint(); // it outlived the session
    remember(null);
    return null;
  }
}

export function saveUser(user) {
  remember(user);
}

/**
 * Remove everything Waymark stored on this device (not the shell files, which hold no data):
 * localStorage (the remembered user, the risk-check words, the library topics),
 * sessionStorage (the chat's un-sent messages), the API caches and every waymark* IndexedDB
 * database but the journal's outbox, whose items stay sealed and unreadable once the keys
 * are gone.
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
  // The keys this page holds in memory, if the journal loaded them (then this resolves at
  // once; otherwise there is nothing to forget, and the wipe does not wait for a download).
  import('./device-key.js').then((m) => m.forgetDeviceKeys()).catch(() => {});
  if ('indexedDB' in window) {
    const names = new Set(APP_DATABASES);
    try {
      if (indexedDB.databases) {
        for (const db of await indexedDB.databases()) {
          if (db.name && db.name.startsWith('waymark') && db.name !== OUTBOX_DB) names.add(db.name);
        }
      }
    } catch { /* ignore */ }
    // Blocked (a connection still open somewhere, e.g. the page Quick exit left): the
    // deletion goes ahead once it closes; wait for that a little, never for ever.
    await Promise.all([...names].map((name) => new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = () => resolve();
      req.onblocked = () => { setTimeout(resolve, 2000); };
    })));
  }
}

/** Log out on the server (if we can reach it) and wipe local data either way. */
export async function logOut() {
  // Last chance for check-ins and entries made offline: send them if we can (briefly).
  if (navigator.onLine !== false) {
    await Promise.race([import('./outbox.js').then((m) => m.flushOutbox()).catch(() => 0),
      new Promise((r) => { setTimeout(r, 4000); })]);
  }
  // Notifications belong to this person: stop them on this device (and tell the server,
  // while the session still exists), so the next person on this phone doesn't get them.
  await Promise.race([import('./push.js').then((m) => m.turnOffPush()).catch(() => {}),
      new Promise((r) => { setTimeout(r, 2000); })]);
  let reached = true;
  try {
    await api('/auth/logout', { method: 'POST' });
  } catch (err) {
    reached = !(err instanceof ApiError && err.offline);
  }
  await clearLocalData();
  return reached;
}

/**
 * After Quick exit (quick-exit.js leaves a mark): finish signing out on this device before
 * anything shows. The server session is ended (the exit's own keepalive request may not have
 * got there, e.g. offline) and local data is wiped again (the exit could only start it).
 * The mark stays until the server has answered, or until someone logs in again.
 * Resolves true when there was a Quick exit to finish: then this start is signed out,
 * whatever the server says (it may still honour the ended session for a few seconds).
 */
export async function finishQuickExit() {
  let marked = false;
  try { marked = localStorage.getItem(QUICK_EXIT_MARK) === '1'; } catch { /* ignore */ }
  if (!marked) return false;
  let ended = false;
  try {
    await api('/auth/logout', { method: 'POST' });
    ended = true;
  } catch (err) {
    ended = err instanceof ApiError && err.status === 401; // no session left to end
  }
  await clearLocalData();
  if (!ended) {
    try { localStorage.setItem(QUICK_EXIT_MARK, '1'); } catch { /* ignore */ }
  }
  return true;
}

/** Someone signed in again: the Quick exit is over. */
export function clearQuickExitMark() {
  try { localStorage.removeItem(QUICK_EXIT_MARK); } catch { /* ignore */ }
}
