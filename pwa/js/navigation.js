// The router's one way to tell a screen it has been left.
//
// Each screen the router shows gets its own AbortSignal (`ctx.signal`). It aborts the moment
// the person moves to another screen (or the same one is drawn again), so a screen hands its
// listeners, timers and sockets the signal and never cleans up by hand:
//
//   window.addEventListener(OUTBOX_EVENT, redraw, { signal: ctx.signal });
//   every(ctx.signal, refresh, 30000);
//   conn.start({ signal: ctx.signal });
//
// `isCurrent()` is the same fact as a question, for work that finishes after an `await`.

/** Split a hash route (#/journal/entries?deleted=1) into its path segments and its query. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const segments = pathPart.split('/').filter(Boolean).map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
  return { segments, query: new URLSearchParams(queryPart) };
}

/** The screens shown one after another: starting a new one leaves the one before. */
export class ScreenTurns {
  constructor() {
    this.turn = 0;
    this.controller = null;
  }

  /** A new screen is being shown: the previous one's signal aborts now. */
  next() {
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    const turn = ++this.turn;
    return { signal: controller.signal, isCurrent: () => turn === this.turn && !controller.signal.aborted };
  }
}

/** Call `fn` every `ms` milliseconds until `signal` aborts (the screen is left). */
export function every(signal, fn, ms) {
  if (signal.aborted) return;
  const timer = window.setInterval(() => { if (!signal.aborted) fn(); }, ms);
  signal.addEventListener('abort', () => window.clearInterval(timer), { once: true });
}

/** Call `fn` once after `ms` milliseconds, unless `signal` aborts first. Returns a cancel function. */
export function later(signal, fn, ms) {
  if (signal.aborted) return () => {};
  const timer = window.setTimeout(() => { if (!signal.aborted) fn(); }, ms);
  const cancel = () => window.clearTimeout(timer);
  signal.addEventListener('abort', cancel, { once: true });
  return cancel;
}
