// The shell and the router.
//
// Routes are hash routes (#/home, #/articles/<slug>, …). For safety every in-app
// navigation REPLACES the current history entry (location.replace), so the app only ever
// holds one entry in the back-button history and Quick exit leaves nothing behind.
// Each screen therefore has a visible in-app back link instead of relying on Back.

import { setQuickExitEnabled } from './quick-exit.js';
import { h, screenHeading, setTitle, backLink } from './ui.js';
import {
  loadUser, saveUser, logOut, isStaff, finishQuickExit, clearQuickExitMark, COUNCIL_ROLES, MODERATION_ROLES,
  COUNSELLING_ROLES,
} from './session.js';
import { parseHash, ScreenTurns } from './navigation.js';

/**
 * path (first segment) → screen module and who may see it. `staff: true` screens live in
 * js/staff/ (never precached): they are imported only when a staff member opens one.
 */
const ROUTES = {
  welcome: { module: 'welcome', access: 'signed-out' },
  signup: { module: 'signup', access: 'signed-out' },
  login: { module: 'login', access: 'signed-out' },
  recover: { module: 'recover', access: 'signed-out' },
  home: { module: 'home', access: 'young-person' },
  journal: { module: 'journal', access: 'young-person', nav: 'home' }, // reached from Home
  messages: { module: 'messages', access: 'young-person', nav: 'talk' }, // from Home and Talk
  forums: { module: 'forums', access: 'young-person', nav: 'forums' },
  threads: { module: 'thread', access: 'young-person', nav: 'forums' },
  talk: { module: 'talk', access: 'anyone', nav: 'talk' },
  chat: { module: 'chat', access: 'anyone', nav: 'talk' },
  library: { module: 'library', access: 'anyone', nav: 'library' },
  search: { module: 'library', access: 'anyone', nav: 'library' },
  articles: { module: 'article', access: 'anyone', nav: 'library' },
  services: { module: 'services', access: 'anyone', nav: 'services' },
  council: { module: 'council', access: 'council', staff: true },
  counsellor: { module: 'counsellor', access: 'counsellor', staff: true },
  live: { module: 'supervisor', access: 'supervisor', staff: true },
  moderation: { module: 'moderation', access: 'moderation', staff: true },
  authors: { module: 'author', access: 'moderation', staff: true, nav: 'moderation' }, // #/authors/<user id>
  appeals: { module: 'appeals', access: 'moderation', staff: true, nav: 'moderation' },
  restrictions: { module: 'restrictions', access: 'young-person', nav: 'home' },
  staff: { module: 'staff', access: 'staff', staff: true },
  admin: { module: 'admin', access: 'admin', staff: true },
  figures: { module: 'figures', access: 'council', staff: true },
  account: { module: 'account', access: 'young-person', nav: 'home' },
  password: { module: 'password', access: 'signed-in' },
  mfa: { module: 'mfa', access: 'staff', staff: true },
};
/** The screen each "do this first" code sends a person to. */
const FIRST_STEP_SCREENS = { password_change_required: '#/password', mfa_setup_required: '#/mfa' };

const state = {
  user: null,
  current: null, // the hash being shown
  previous: null, // the hash shown before it, for back links
  screens: new ScreenTurns(), // each screen's AbortSignal, aborted when it is left
  navKey: null, // the nav item marked current
  firstRender: true,
};

/** Where a person lands: welcome, their home, or the staff home. */
export function landingFor(user) {
  if (!user) return '#/welcome';
  return isStaff(user) ? '#/staff' : '#/home';
}

/** Go to another screen, replacing the current history entry. */
export function navigate(hash) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (target === window.location.hash) {
    render();
  } else {
    window.location.replace(target);
  }
}

function setUser(user) {
  state.user = user || null;
  saveUser(state.user);
  if (state.user) clearQuickExitMark();
  updateShell();
  if (state.user && state.user.role === 'young_person') sendWhatWaits();
}

/** The journal's and messages' outbox, and chat messages a closed chat screen left unsent. */
function sendWhatWaits() {
  import('./outbox.js').then((m) => m.startOutboxSync()).catch(() => {});
  import('./chat-connection.js').then((m) => m.sendLeftBehind()).catch(() => {});
}

// --- the shell -------------------------------------------------------------------------

function updateShell() {
  const user = state.user;
  const staff = isStaff(user);
  const layout = staff ? 'staff' : user ? 'young' : 'public';
  document.body.dataset.layout = layout;

  const talkButton = document.getElementById('talk-button');
  if (talkButton) talkButton.hidden = staff; // staff don't join the young people's queue

  const exitButton = document.getElementById('quick-exit');
  if (exitButton) exitButton.hidden = staff;
  setQuickExitEnabled(!staff);

  const bottomNav = document.getElementById('bottom-nav');
  if (bottomNav) bottomNav.hidden = layout !== 'young';

  const staffNav = document.getElementById('staff-nav');
  if (staffNav) {
    staffNav.hidden = !staff;
    if (!staff) staffNav.replaceChildren();
    // The staff links are staff-only code: loaded from js/staff/ only for staff.
    else {
      import('./staff/nav.js').then((m) => {
        if (state.user !== user) return; // signed out (or someone else) meanwhile
        m.drawStaffNav(staffNav, user, doLogOut);
        markCurrentNav(state.navKey);
      }).catch(() => {});
    }
  }
}

function markCurrentNav(navKey) {
  for (const a of document.querySelectorAll('#bottom-nav a[data-nav], #staff-nav a[data-nav]')) {
    if (a.dataset.nav === navKey) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function updateOfflineBanner() {
  const banner = document.getElementById('offline-banner');
  if (!banner) return;
  if (navigator.onLine === false) {
    banner.textContent = "You're offline — saved pages still work.";
    banner.classList.add('is-shown');
  } else {
    banner.textContent = '';
    banner.classList.remove('is-shown');
  }
}

// --- log-out ---------------------------------------------------------------------------

export async function doLogOut() {
  await logOut();
  state.user = null;
  updateShell();
  navigate('#/welcome');
}

// --- rendering -------------------------------------------------------------------------

function notFound(root) {
  setTitle('Page not found');
  root.append(
    backLink(landingFor(state.user), 'Back to the start'),
    screenHeading("We can't find that page"),
    h('p', {}, 'The link may be old or mistyped.'),
    h('p', {}, h('a', { href: landingFor(state.user) }, 'Go to the start')));
}

function screenFailed(root) {
  setTitle('Something went wrong');
  root.append(
    backLink(landingFor(state.user), 'Back to the start'),
    screenHeading('This page did not load'),
    h('p', {}, 'This might be because you are offline. Please try again when you have a connection.'),
    h('p', {}, h('a', { href: '#/talk' }, 'See helplines you can contact any time')));
}

/** Decide whether the route is allowed; returns a hash to go to instead, or null. */
function guard(route) {
  const user = state.user;
  if (user && user.pending && FIRST_STEP_SCREENS[user.pending] !== `#/${route.module}`) {
    return FIRST_STEP_SCREENS[user.pending] || null;
  }
  switch (route.access) {
    case 'signed-in':
      return user ? null : '#/login';
    case 'admin':
      if (!user) return '#/login';
      return user.role === 'admin' ? null : landingFor(user);
    case 'signed-out':
      return user ? landingFor(user) : null;
    case 'young-person':
      if (!user) return '#/welcome';
      return isStaff(user) ? landingFor(user) : null;
    case 'staff':
      if (!user) return '#/login';
      return isStaff(user) ? null : landingFor(user);
    case 'council':
      if (!user) return '#/login';
      return COUNCIL_ROLES.has(user.role) ? null : landingFor(user);
    case 'counsellor':
      if (!user) return '#/login';
      return COUNSELLING_ROLES.has(user.role) ? null : landingFor(user);
    case 'supervisor':
      if (!user) return '#/login';
      return user.role === 'supervisor' ? null : landingFor(user);
    case 'moderation':
      if (!user) return '#/login';
      return MODERATION_ROLES.has(user.role) ? null : landingFor(user);
    default:
      return null;
  }
}

async function render() {
  const hash = window.location.hash;
  const { segments, query } = parseHash(hash);
  if (!segments.length) {
    window.location.replace(landingFor(state.user));
    return;
  }
  const route = ROUTES[segments[0]];
  if (route) {
    const redirect = guard(route);
    if (redirect) {
      window.location.replace(redirect);
      return;
    }
  }

  if (state.current !== hash) {
    state.previous = state.current;
    state.current = hash;
  }
  const { signal, isCurrent } = state.screens.next(); // the screen shown until now is left
  const main = document.getElementById('main');
  const view = h('div', { class: `screen screen-${route ? route.module : 'not-found'}` });
  state.navKey = route ? (route.nav || segments[0]) : null;
  markCurrentNav(state.navKey);

  let mod = null;
  if (route) {
    try {
      mod = await import(route.staff ? `./staff/screens/${route.module}.js` : `./screens/${route.module}.js`);
    } catch {
      mod = null;
    }
    if (!isCurrent()) return;
  }

  main.replaceChildren(view);
  window.scrollTo(0, 0);
  const ctx = {
    user: state.user,
    segments,
    params: segments.slice(1),
    query,
    navigate,
    /** Change the address (e.g. filters) without re-rendering or adding history. */
    setHash: (newHash) => {
      window.history.replaceState(window.history.state, '', newHash);
      state.current = newHash;
    },
    setUser,
    logOut: doLogOut,
    landing: () => landingFor(state.user),
    /** The previous in-app screen, or `fallback` when there is none. */
    back: (fallback) => (state.previous && state.previous !== hash ? state.previous : fallback),
    /** Aborts when this screen is left: hand it to listeners, timers and sockets. */
    signal,
    isCurrent,
  };

  let pending = null;
  if (!route) notFound(view);
  else if (!mod) screenFailed(view);
  else {
    try {
      setTitle('');
      pending = mod.render(view, ctx);
    } catch (err) {
      console.error(err); // eslint-disable-line no-console
      view.replaceChildren();
      screenFailed(view);
    }
  }

  if (route && state.user && state.user.role === 'young_person') {
    import('./restriction-notice.js').then((m) => m.addRestrictionNotice(view, ctx, route.module)).catch(() => {});
  }

  // Move focus to the new screen's h1 (not on the very first load, which starts at the top).
  if (!state.firstRender) {
    const title = view.querySelector('h1');
    if (title) {
      if (!title.hasAttribute('tabindex')) title.setAttribute('tabindex', '-1');
      title.focus({ preventScroll: true });
    }
  }
  state.firstRender = false;
  if (pending && typeof pending.catch === 'function') {
    pending.catch((err) => console.error(err)); // eslint-disable-line no-console
  }
}

// --- links: replace history instead of adding to it ------------------------------------

function onDocumentClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!a || a.target === '_blank' || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#/') || href === '#') {
    event.preventDefault();
    navigate(href === '#' ? '#/' : href);
  } else if (href.startsWith('#') && href.length > 1) {
    // In-page link (skip link, error summary): move focus, don't touch the history.
    event.preventDefault();
    const el = document.getElementById(href.slice(1));
    if (el) {
      if (!el.matches('a, button, input, select, textarea, [tabindex]')) el.setAttribute('tabindex', '-1');
      el.focus();
      el.scrollIntoView({ block: 'center' });
    }
  }
}

// --- start -----------------------------------------------------------------------------

async function start() {
  document.addEventListener('click', onDocumentClick);
  document.getElementById('talk-button')?.addEventListener('click', () => navigate('#/talk'));
  window.addEventListener('hashchange', render);
  window.addEventListener('online', updateOfflineBanner);
  window.addEventListener('offline', updateOfflineBanner);
  window.addEventListener('waymark:first-step', (event) => {
    const code = event.detail && event.detail.code;
    if (!state.user || !FIRST_STEP_SCREENS[code] || state.user.pending === code) return;
    setUser({ ...state.user, pending: code });
    navigate(FIRST_STEP_SCREENS[code]);
  });
  window.addEventListener('waymark:unauthorised', (event) => {
    const path = event.detail && event.detail.path;
    if (!state.user || !path || path.startsWith('/auth/') || path === '/me') return;
    // The session ended (timed out or logged out elsewhere).
    setUser(null);
    const route = ROUTES[parseHash(window.location.hash).segments[0]];
    if (route && guard(route)) navigate('#/login');
  });
  updateOfflineBanner();

  if ('serviceWorker' in navigator) {
    // After the page has loaded: the worker's precache then does not compete with the
    // first screen for a slow connection.
    const register = () => navigator.serviceWorker.register('sw.js').catch(() => { /* the app still works online */ });
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
    // A tapped notification asks an open Waymark to show a screen (sw.js, notificationclick).
    navigator.serviceWorker.addEventListener('message', (event) => {
      const data = event.data || {};
      if (data.type === 'open' && typeof data.hash === 'string' && data.hash.startsWith('#/')) navigate(data.hash);
    });
  }

  // After Quick exit: signed out here before anything shows, and this start stays signed out.
  state.user = (await finishQuickExit()) ? null : await loadUser();
  updateShell();
  // Hand the main thread back once before building the first screen: the browser paints the
  // shell and a tap on Quick exit is handled now, not after one long task.
  await new Promise((resolve) => { setTimeout(resolve, 0); });
  await render();
  // The server's risk labels and writing limits (kept for offline starts too).
  import('./meta.js').then((m) => m.loadMeta()).catch(() => {});
  if (state.user && state.user.role === 'young_person') {
    // What was saved offline is sent now and when the connection returns.
    sendWhatWaits();
  }
}

start();
