// Quick exit (GOV.UK "Exit this page" pattern).
//
// The button, or Shift pressed three times within about a second, blanks the page at once
// and replaces the current history entry with a neutral site, so Back does not return here.
// This module is loaded on its own by index.html, so it works even if the rest of the app
// has not loaded (it imports nothing).
//
// It also signs out on this device (issue 14), all started before the page goes, none of it
// waited for: the server session is ended by a keepalive request (it outlives the page);
// localStorage (the remembered user, so the app can't reopen signed in) and sessionStorage
// (the chat's unsent messages) are cleared at once; the phone's journal keys, the entries
// saved for offline reading and the cached API answers are deleted, and this browser's
// notification subscription is cancelled. The journal's outbox is
// kept: it is sealed with the keys just deleted, and is sent after the next log-in. A mark
// left in localStorage makes the app finish all of this before it shows anything next time
// (session.js, finishQuickExit), in case the phone was offline or the page went too soon.

/** Where Quick exit goes. Change it here and only here. */
export const QUICK_EXIT_URL = 'https://www.bbc.co.uk/weather';
/** The localStorage mark Quick exit leaves for the next start of the app. */
export const QUICK_EXIT_MARK = 'waymark.quickExit';
/** IndexedDB databases Quick exit deletes (the same as log-out's; the outbox stays, sealed). */
const PRIVATE_DATABASES = ['waymark-keys', 'waymark-journal-saved'];

function csrfCookie() {
  const found = document.cookie.split(';').map((p) => p.trim()).find((p) => p.startsWith('csrftoken='));
  return found ? decodeURIComponent(found.slice('csrftoken='.length)) : null;
}

/** How long the (already blank) page may wait for the server to end the session. */
const SIGN_OUT_WAIT_MS = 400;

/**
 * Sign out on this device: started now, finished by the browser after the page has gone.
 * Resolves when the server has answered the log-out (or at once when it can't be sent).
 */
function signOutHere() {
  let ended = Promise.resolve();
  try {
    localStorage.clear();
    sessionStorage.clear();
    localStorage.setItem(QUICK_EXIT_MARK, '1');
  } catch { /* storage off: nothing was kept there */ }
  try {
    const token = csrfCookie();
    ended = fetch('/api/v1/auth/logout', {
      method: 'POST', keepalive: true, credentials: 'same-origin',
      headers: token ? { 'x-csrftoken': token } : {},
    }).catch(() => {});
  } catch { /* offline or blocked: the next start of the app ends the session */ }
  try {
    for (const name of PRIVATE_DATABASES) indexedDB.deleteDatabase(name);
  } catch { /* ignore */ }
  try {
    caches.keys().then((keys) => keys.filter((k) => k.startsWith('waymark-api')).forEach((k) => caches.delete(k)))
      .catch(() => {});
  } catch { /* ignore */ }
  try {
    // Notifications belong to the person who left: the next one on this phone gets none.
    navigator.serviceWorker.getRegistration()
      .then((reg) => reg && reg.pushManager && reg.pushManager.getSubscription())
      .then((sub) => sub && sub.unsubscribe())
      .catch(() => {});
  } catch { /* no service worker: no notifications either */ }
  return ended;
}

const SHIFT_PRESSES = 3;
const WINDOW_MS = 1000;

let enabled = true;
let exiting = false;
let presses = [];

/** Leave now: hide everything, then replace this history entry with the neutral site. */
export function quickExit() {
  if (exiting) return;
  exiting = true;
  try {
    document.title = '';
    document.documentElement.classList.add('qe-exiting');
    for (const child of Array.from(document.body.children)) child.hidden = true;
    const cover = document.createElement('div');
    cover.className = 'qe-cover';
    document.body.append(cover);
  } catch {
    /* never let anything stop the exit */
  }
  // The page is blank already. A keepalive request outlives the page in most browsers, but
  // not in all (nor under some test tooling), so leave as soon as the server has answered,
  // and never later than SIGN_OUT_WAIT_MS; the next start of the app finishes the job anyway.
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    window.location.replace(QUICK_EXIT_URL);
  };
  window.setTimeout(leave, SIGN_OUT_WAIT_MS);
  try {
    signOutHere().then(leave, leave);
  } catch {
    leave();
  }
}

/** Staff screens turn the Shift shortcut off (they type capitals all day). */
export function setQuickExitEnabled(on) {
  enabled = Boolean(on);
  presses = [];
}

function status() {
  return document.getElementById('quick-exit-status');
}

function onKeyDown(event) {
  if (!enabled) return;
  if (event.key !== 'Shift') {
    presses = [];
    return;
  }
  if (event.repeat) return;
  const now = Date.now();
  presses = presses.filter((t) => now - t < WINDOW_MS);
  presses.push(now);
  const left = SHIFT_PRESSES - presses.length;
  if (left <= 0) {
    presses = [];
    quickExit();
    return;
  }
  const live = status();
  if (live) {
    live.textContent = `Shift pressed. Press it ${left} more ${left === 1 ? 'time' : 'times'} to leave this site.`;
    window.setTimeout(() => { if (live.textContent.startsWith('Shift pressed')) live.textContent = ''; }, WINDOW_MS + 500);
  }
}

function onClick(event) {
  const target = event.target instanceof Element ? event.target.closest('[data-quick-exit]') : null;
  if (!target) return;
  event.preventDefault();
  quickExit();
}

document.addEventListener('keydown', onKeyDown, true);
document.addEventListener('click', onClick, true);
