// Words the account screens share (sign-up, recovery, welcome): the username rules, the
// password hint, and a council's ages in a sentence.

import { h } from './ui.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,20}$/;

export function usernameHint() {
  return h('ul', { class: 'hint-list' },
    h('li', {}, '3 to 20 letters, numbers, _ or -'),
    h('li', {}, 'No e-mail address, phone number or long number'),
    h('li', {}, "Don't use your real name"));
}

export function passwordHint() {
  return 'At least 10 characters, and not a common password. A few random words together work well.';
}

/** "Waymark in Portsmouth is for young people aged 11 to 18, or up to 25 if …" (welcome uses it too). */
export function ageText(council) {
  let text = `Waymark in ${council.name} is for young people aged ${council.min_age} to ${council.max_age}`;
  if (council.extended_max_age && council.extended_max_age > council.max_age) {
    text += `, or up to ${council.extended_max_age} if you're a care leaver or have an EHCP`;
  }
  return `${text}.`;
}
