// Quick exit (GOV.UK "Exit this page" pattern).
//
// The button, or Shift pressed three times within about a second, blanks the page at once
// and replaces the current history entry with a neutral site, so Back does not return here.
// This module is loaded on its own by index.html, so it works even if the rest of the app
// has not loaded.

/** Where Quick exit goes. Change it here and only here. */
export const QUICK_EXIT_URL = 'https://www.bbc.co.uk/weather';

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
  window.location.replace(QUICK_EXIT_URL);
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
