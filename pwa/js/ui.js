// Small DOM helpers shared by every screen.
//
// The one rule: text from a user or the server goes in with textContent (h() does that),
// never with innerHTML. The single exception is setTrustedHtml(), used only for an
// article's `body_html`, which the server has already sanitised.

let idCounter = 0;

/** A unique id for linking labels, hints and errors. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Create an element. `props` are attributes, except:
 *   class → className, text → textContent, on<event> → listener.
 * `true` sets an empty attribute, `null`/`undefined`/`false` leaves it out.
 * Children may be nodes or strings (strings become text nodes, never HTML).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  appendChildren(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A small inline SVG icon, hidden from assistive technology. `shapes` are [tag, attrs]. */
export function icon(shapes, { size = 24, viewBox = '0 0 24 24', className = 'icon' } = {}) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', viewBox);
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', className);
  for (const [tag, attrs] of shapes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    svg.append(node);
  }
  return svg;
}

/** Text only screen readers hear. */
export function srOnly(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

/** The screen's main heading. The router moves focus here on navigation. */
export function screenHeading(text) {
  return h('h1', { tabindex: '-1', class: 'screen-title' }, text);
}

/** Set the browser tab title. */
export function setTitle(text) {
  document.title = text ? `${text} – Waymark` : 'Waymark';
}

/** The visible in-app back link every screen has (the browser history holds one entry). */
export function backLink(href, text = 'Back') {
  return h('a', { href, class: 'back-link' }, text);
}

/** A real <button>. variant: primary | secondary | quiet | danger. */
export function button(text, { variant = 'primary', type = 'button', onClick, ...attrs } = {}) {
  return h('button', { type, class: `btn btn-${variant}`, onclick: onClick, ...attrs }, text);
}

/** A link that looks like a button (for real navigation to another screen or site). */
export function linkButton(text, href, { variant = 'primary', ...attrs } = {}) {
  return h('a', { href, class: `btn btn-${variant}`, ...attrs }, text);
}

/** A paragraph saying something is loading. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading' }, text);
}

/** A calm information box. kind: info | warn | ok. Not an alert: use errorSummary for errors. */
export function notice(children, kind = 'info') {
  return h('div', { class: `notice notice-${kind}` }, children);
}

/**
 * A labelled form field with optional hint and an error message linked by aria-describedby.
 * type: any input type, or 'select' (with options [{value,label}]) or 'textarea'.
 * Returns { row, control, id, setError(message|null) }.
 */
export function field({ label, name, type = 'text', hint, options = [], value, attrs = {}, className = '' }) {
  const id = uid(name || 'field');
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let control;
  if (type === 'select') {
    control = h('select', { id, name, ...attrs },
      options.map((o) => h('option', { value: o.value, disabled: o.disabled || null }, o.label)));
    if (value !== undefined && value !== null) control.value = String(value);
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, ...attrs });
    control.value = value ?? '';
  } else {
    control = h('input', { id, name, type, ...attrs });
    if (value !== undefined && value !== null) control.value = String(value);
  }
  if (hintId) control.setAttribute('aria-describedby', hintId);

  const errorText = h('span');
  const errorEl = h('p', { class: 'field-error', id: errorId, hidden: true }, srOnly('Error: '), errorText);
  const hintEl = hint ? h('div', { class: 'hint', id: hintId }, hint) : null;
  const row = h('div', { class: `field ${className}`.trim() },
    h('label', { for: id, class: 'label' }, label), hintEl, errorEl, control);

  function setError(message) {
    if (message) {
      errorText.textContent = message;
      errorEl.hidden = false;
      row.classList.add('field--error');
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
    } else {
      errorText.textContent = '';
      errorEl.hidden = true;
      row.classList.remove('field--error');
      control.removeAttribute('aria-invalid');
      if (hintId) control.setAttribute('aria-describedby', hintId);
      else control.removeAttribute('aria-describedby');
    }
  }
  return { row, control, id, setError, errorId };
}

/**
 * The one error box per form (role="alert", so it is announced). show() lists the
 * problems, each linking to its field, and moves focus to the box.
 */
export function errorSummary() {
  const list = h('ul', { class: 'error-summary-list' });
  const el = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true },
    h('h2', { class: 'error-summary-title' }, 'There is a problem'), list);
  return {
    el,
    show(items) {
      list.replaceChildren(...items.map(({ text, target }) => h('li', {},
        target ? h('a', { href: `#${target}` }, text) : text)));
      el.hidden = false;
      el.focus();
    },
    hide() {
      el.hidden = true;
      list.replaceChildren();
    },
  };
}

/**
 * Put server-sanitised article HTML into an element. Only for `body_html` from
 * GET /api/v1/articles/{slug}. Never use this for anything a person typed.
 */
export function setTrustedHtml(el, sanitisedHtml) {
  el.innerHTML = sanitisedHtml; // eslint-disable-line no-unsanitized/property -- server-sanitised article body
  for (const a of el.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') || '';
    if (/^https?:/i.test(href)) {
      a.setAttribute('rel', 'noopener noreferrer');
      a.setAttribute('target', '_blank');
      a.append(srOnly(' (opens in a new tab)'));
    }
  }
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "22 November 2026" from an ISO date or date-time. */
export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(d);
}

/** "about 20 minutes" from seconds. */
export function formatWait(seconds) {
  if (seconds === null || seconds === undefined) return null; // no estimate: nobody is available
  const s = Number(seconds);
  if (!Number.isFinite(s) || s < 0) return null;
  if (s < 90) return 'about a minute';
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'about an hour' : `about ${hours} hours`;
}

/**
 * A Europe/London date formatter, made the first time it is used and kept: making one loads
 * time-zone data, which every start of the app would otherwise pay before its first screen.
 */
function londonFormat(locale, options) {
  let made = null;
  return { format: (when) => (made ??= new Intl.DateTimeFormat(locale, { timeZone: 'Europe/London', ...options })).format(when) };
}
const LONDON_DAY = londonFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
const LONDON_TIME = londonFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const LONDON_WEEKDAY = londonFormat('en-GB', { weekday: 'long' });
const LONDON_DAY_MONTH = londonFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

function addDays(dayKey, n) {
  const [y, m, d] = dayKey.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** "14:05" in Europe/London time, from an ISO date-time ('' when it can't be read). */
export function londonTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? '' : LONDON_TIME.format(when);
}

/** "2026-11-22": the day in Europe/London of a date or ISO date-time. */
export function londonDay(when) {
  const d = when instanceof Date ? when : new Date(when);
  return Number.isNaN(d.getTime()) ? '' : LONDON_DAY.format(d);
}

/** "today at 12:00", "tomorrow at 18:00", "on Saturday at 18:00" — in Europe/London time. */
export function londonWhen(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return null;
  const time = LONDON_TIME.format(when);
  const today = LONDON_DAY.format(now);
  const day = LONDON_DAY.format(when);
  if (day === today) return `today at ${time}`;
  if (day === addDays(today, 1)) return `tomorrow at ${time}`;
  if (day < addDays(today, 7)) return `on ${LONDON_WEEKDAY.format(when)} at ${time}`;
  return `on ${LONDON_DAY_MONTH.format(when)} at ${time}`;
}

export const THRIVE_LABELS = {
  thriving: 'Thriving',
  getting_advice: 'Getting advice',
  getting_help: 'Getting help',
  getting_more_help: 'Getting more help',
  getting_risk_support: 'Getting risk support',
};

/** Keep only digits and a leading + for tel: and sms: links. */
export function dialable(number) {
  const s = String(number || '').trim();
  return (s.startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
}

/** Add a "Show password" toggle under a password field from field(). */
export function addPasswordToggle(passwordField) {
  const input = passwordField.control;
  const toggle = h('button', {
    type: 'button', class: 'btn btn-quiet btn-small password-toggle', 'aria-controls': passwordField.id, 'aria-pressed': 'false',
  }, 'Show password');
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(show));
    toggle.textContent = show ? 'Hide password' : 'Show password';
  });
  passwordField.row.append(toggle);
  return toggle;
}

/**
 * Radio buttons in a fieldset. options: [{value, label, hint?}].
 * Returns { el, value(), setError(msg) }.
 */
export function radioGroup({ legend, name, options, hint, value = null }) {
  const hintId = hint ? uid(`${name}-hint`) : null;
  const errorId = uid(`${name}-error`);
  const errorText = h('span');
  const errorEl = h('p', { class: 'field-error', id: errorId, hidden: true }, srOnly('Error: '), errorText);
  const inputs = [];
  const items = options.map((o) => {
    const id = uid(name);
    const input = h('input', { type: 'radio', name, id, value: o.value, checked: o.value === value ? true : null });
    inputs.push(input);
    return h('div', { class: 'choice' }, input, h('label', { for: id }, o.label));
  });
  const el = h('fieldset', { class: 'fieldset', 'aria-describedby': hintId },
    h('legend', { class: 'legend' }, legend),
    hint ? h('div', { class: 'hint', id: hintId }, hint) : null,
    errorEl,
    h('div', { class: 'choices' }, items));
  return {
    el,
    inputs,
    value() {
      const on = inputs.find((i) => i.checked);
      return on ? on.value : null;
    },
    setError(message) {
      errorText.textContent = message || '';
      errorEl.hidden = !message;
      el.classList.toggle('field--error', Boolean(message));
      el.setAttribute('aria-describedby', [hintId, message ? errorId : null].filter(Boolean).join(' '));
    },
  };
}

/** Replace an element's children (skipping null/false, strings as text). */
export function fill(el, ...children) {
  el.replaceChildren();
  appendChildren(el, children);
  return el;
}

/**
 * "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago", then the date.
 * From an ISO date-time; '' when it can't be read.
 */
export function timeAgo(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const seconds = Math.max(0, (now.getTime() - when.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute', 'minutes')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${plural(hours, 'hour', 'hours')} ago`;
  const days = Math.round((Date.parse(`${londonDay(now)}T12:00:00Z`) - Date.parse(`${londonDay(when)}T12:00:00Z`)) / 86400000);
  if (days <= 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return formatDate(iso);
}

/** "5 minutes", "2 hours 10 minutes": how long something has waited, from an ISO date-time. */
export function waitedSince(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const minutes = Math.floor(Math.max(0, now.getTime() - when.getTime()) / 60000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return plural(minutes, 'minute', 'minutes');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return `${plural(hours, 'hour', 'hours')}${rest ? ` ${plural(rest, 'minute', 'minutes')}` : ''}`;
  }
  return plural(Math.floor(hours / 24), 'day', 'days');
}

/**
 * A modal "are you sure?" dialog. `onConfirm` runs when the person says yes (it handles
 * its own errors); the dialog then closes. No, Escape and Cancel put focus back on `trigger`.
 */
export function confirmDialog({ trigger, title, text, yesLabel, noLabel, onConfirm, actionsClass = 'actions' }) {
  const titleId = uid('confirm');
  const yes = button(yesLabel, { variant: 'danger' });
  const no = button(noLabel, { variant: 'secondary' });
  // A modal dialog makes the page behind it inert, Quick exit included: so it brings its own.
  const pageExit = document.getElementById('quick-exit');
  const exit = pageExit && !pageExit.hidden
    ? h('button', { type: 'button', class: 'btn btn-exit dialog-exit', 'data-quick-exit': '' }, 'Quick exit')
    : null;
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    exit,
    h('h2', { id: titleId }, title),
    h('p', {}, text),
    h('div', { class: actionsClass }, yes, no));
  document.body.append(dialog);
  const close = () => {
    if (dialog.open) dialog.close();
    dialog.remove();
  };
  dialog.addEventListener('cancel', () => { dialog.remove(); trigger?.focus(); });
  no.addEventListener('click', () => { close(); trigger?.focus(); });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      await onConfirm();
    } finally {
      close();
    }
  });
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  no.focus();
}
