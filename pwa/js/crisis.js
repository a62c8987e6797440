// Crisis lines: loading them, the built-in list used when we can't, and drawing them as
// big tap-to-call / tap-to-text buttons.

import { api } from './api.js';
import { h, srOnly, dialable, linkButton } from './ui.js';

/** Used when /api/v1/crisis-lines can't be reached. Kept in the app so it works offline. */
export const FALLBACK_CRISIS_LINES = [
  {
    name: 'Childline',
    phone: '0800 1111',
    url: 'https://www.childline.org.uk/',
    hours: '24 hours',
    description: "Free, private help for anyone under 19. The call won't show on your phone bill.",
  },
  {
    name: 'Shout',
    sms: '85258',
    sms_body: 'SHOUT',
    hours: '24/7',
    description: 'Text SHOUT to 85258 to talk by text with a trained volunteer. It is free.',
  },
  {
    name: 'Samaritans',
    phone: '116 123',
    hours: '24 hours',
    description: "Free to call, any time, whatever you're going through.",
  },
  {
    name: 'NHS 111',
    phone: '111',
    hours: '24 hours',
    description: 'Call 111 and choose the mental health option (option 2).',
  },
  {
    name: 'Emergency services',
    phone: '999',
    hours: '24 hours',
    description: 'Call 999 if you are in danger now.',
  },
];

/** Returns { lines, fallback } and never throws. */
export async function loadCrisisLines() {
  try {
    const lines = await api('/crisis-lines');
    if (Array.isArray(lines) && lines.length) return { lines, fallback: false };
  } catch {
    /* offline or server trouble: use the built-in list */
  }
  return { lines: FALLBACK_CRISIS_LINES, fallback: true };
}

/** Work out the number and message for a text line: "85258", "Text SHOUT to 85258", … */
export function smsTarget(line) {
  const raw = String(line.sms || '');
  const numberMatch = raw.match(/\+?\d[\d ]{3,}\d/);
  const number = numberMatch ? dialable(numberMatch[0]) : dialable(raw);
  let body = line.sms_body || line.sms_keyword || '';
  if (!body) {
    const word = raw.match(/\b([A-Z]{2,})\b/);
    if (word && word[1] !== 'SMS') body = word[1];
  }
  if (!body && /shout/i.test(line.name || '') && number === '85258') body = 'SHOUT';
  return { number, body };
}

export function smsHref({ number, body }) {
  return body ? `sms:${number}?body=${encodeURIComponent(body)}` : `sms:${number}`;
}

function isEmergency(line) {
  return line.phone && dialable(line.phone) === '999';
}

/** The "in danger now" box, always first on the Talk screen. */
export function dangerNow() {
  return h('div', { class: 'danger-now' },
    h('p', { class: 'danger-now-text' }, h('strong', {}, 'In danger now?'), ' Call 999, or go to A&E.'),
    linkButton('Call 999', 'tel:999', { variant: 'danger', class: 'btn btn-danger btn-block' }));
}

/**
 * The crisis lines as cards with big buttons.
 * options.skipEmergency leaves out 999 (when dangerNow() is already shown).
 * options.headingLevel is the level of each line's name (default 3).
 */
export function crisisList(lines, { skipEmergency = false, headingLevel = 3 } = {}) {
  const items = lines.filter((l) => !(skipEmergency && isEmergency(l)));
  return h('ul', { class: 'crisis-list' }, items.map((line) => {
    const actions = [];
    if (line.phone) {
      actions.push(linkButton(['Call ', line.phone, srOnly(` (${line.name})`)], `tel:${dialable(line.phone)}`,
        { variant: 'primary', class: 'btn btn-primary btn-call' }));
    }
    if (line.sms) {
      const target = smsTarget(line);
      const label = target.body ? `Text ${target.body} to ${target.number}` : `Text ${target.number}`;
      actions.push(linkButton([label, srOnly(` (${line.name})`)], smsHref(target),
        { variant: 'primary', class: 'btn btn-primary btn-text' }));
    }
    if (line.url && /^https?:/i.test(line.url)) {
      actions.push(linkButton(['Website', srOnly(` for ${line.name} (opens in a new tab)`)], line.url,
        { variant: 'secondary', target: '_blank', rel: 'noopener noreferrer' }));
    }
    return h('li', { class: 'crisis-card' },
      h(`h${headingLevel}`, { class: 'crisis-name' }, line.name),
      line.description ? h('p', {}, line.description) : null,
      line.hours ? h('p', { class: 'meta' }, `Open: ${line.hours}`) : null,
      actions.length ? h('div', { class: 'crisis-actions' }, actions) : null);
  }));
}

/** A compact block: load the lines and show them (used where a screen needs "never a dead end"). */
export function crisisBlock({ headingLevel = 3, skipEmergency = false } = {}) {
  const box = h('div', { class: 'crisis-block' }, h('p', { class: 'loading' }, 'Loading helplines…'));
  loadCrisisLines().then(({ lines }) => {
    box.replaceChildren(crisisList(lines, { headingLevel, skipEmergency }));
  });
  return box;
}
