// Sign up: username, password, month and year of birth, council, and an optional
// "are any of these true for you?" — nothing else. Shows the recovery code once.

import { api, ApiError, errorMessage, fieldErrors } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, addPasswordToggle, radioGroup, notice,
} from '../ui.js';
import { loadCrisisLines, crisisList, FALLBACK_CRISIS_LINES } from '../crisis.js';
import { showRecoveryCode } from '../recovery-code.js';
import { USERNAME_PATTERN, usernameHint, passwordHint, ageText } from '../account-words.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

export function render(root, ctx) {
  setTitle('Sign up');
  const summary = errorSummary();
  const thisYear = new Date().getFullYear();
  let councils = [];

  const username = field({
    label: 'Username', name: 'username', hint: usernameHint(),
    attrs: { autocomplete: 'username', autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false', maxlength: '20' },
  });
  const password = field({
    label: 'Password', name: 'password', type: 'password', hint: passwordHint(),
    attrs: { autocomplete: 'new-password' },
  });
  addPasswordToggle(password);

  const month = field({
    label: 'Month you were born', name: 'birth_month', type: 'select',
    options: [{ value: '', label: 'Choose a month' }, ...MONTHS.map((m, i) => ({ value: String(i + 1), label: m }))],
    value: '',
  });
  const year = field({
    label: 'Year you were born', name: 'birth_year', hint: `For example, ${thisYear - 14}`,
    attrs: { inputmode: 'numeric', autocomplete: 'off', maxlength: '4', class: 'input-short' },
  });

  const council = field({
    label: 'Your council', name: 'council_code', type: 'select',
    hint: 'The council for where you live.',
    options: [{ value: '', label: 'Loading councils…' }], value: '', attrs: { disabled: true },
  });
  const councilNote = h('p', { class: 'council-note', 'aria-live': 'polite' });
  const councilRetry = h('div', { class: 'council-retry' });

  const extended = radioGroup({
    legend: 'Are any of these true for you? (optional)',
    name: 'extended_eligibility',
    hint: 'Some councils offer Waymark for longer to these young people.',
    value: '',
    options: [
      { value: 'care_leaver', label: "I'm a care leaver" },
      { value: 'ehcp', label: 'I have an EHCP (Education, Health and Care Plan)' },
      { value: '', label: 'None of these, or prefer not to say' },
    ],
  });

  const eligibilityBox = h('div', { class: 'eligibility-box-slot' });
  const submit = button('Sign up', { type: 'submit', class: 'btn btn-primary btn-block' });

  const form = h('form', { class: 'form', novalidate: true },
    summary.el,
    username.row,
    password.row,
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'legend' }, 'When were you born?'),
      h('div', { class: 'hint' }, 'Just the month and year.'),
      month.row, year.row),
    council.row,
    councilNote,
    councilRetry,
    extended.el,
    h('div', { class: 'actions actions-bottom' }, submit));

  root.append(
    backLink(ctx.back('#/welcome')),
    screenHeading('Sign up'),
    h('p', {}, "It's free and anonymous. Choose a username that isn't your real name."),
    notice([
      h('p', {}, h('strong', {}, 'Why we ask: '),
        'we ask for the month and year you were born, and your council, so we can show you the right help for your age and area.'),
      h('p', {}, "We don't need anything else: no real name, no e-mail, no phone number."),
    ]),
    eligibilityBox,
    form,
    h('p', { class: 'center' }, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')));

  // --- councils --------------------------------------------------------------------
  async function loadCouncils() {
    councilRetry.replaceChildren();
    try {
      const list = await api('/councils');
      councils = Array.isArray(list) ? list : [];
      const select = council.control;
      select.replaceChildren(h('option', { value: '' }, 'Choose your council'),
        ...councils.map((c) => h('option', { value: c.code }, c.name)));
      select.disabled = false;
      // Chosen on the welcome screen already (#/signup?council=CODE).
      const chosen = ctx.query.get('council');
      if (chosen && councils.some((c) => c.code === chosen)) {
        select.value = chosen;
        councilNote.textContent = ageText(councils.find((c) => c.code === chosen));
      }
    } catch (err) {
      council.control.replaceChildren(h('option', { value: '' }, 'Councils could not load'));
      councilRetry.replaceChildren(
        h('p', {}, `We couldn't load the list of councils. ${errorMessage(err)}`),
        button('Try again', { variant: 'secondary', onClick: loadCouncils }));
    }
  }
  council.control.addEventListener('change', () => {
    const c = councils.find((x) => x.code === council.control.value);
    councilNote.textContent = c ? ageText(c) : '';
  });
  loadCouncils();

  // --- checking and sending --------------------------------------------------------
  const fields = { username, password, birth_month: month, birth_year: year, council_code: council };

  function check() {
    const problems = [];
    const add = (f, text) => { f.setError(text); problems.push({ text, target: f.id }); };
    Object.values(fields).forEach((f) => f.setError(null));
    const name = username.control.value.trim();
    if (!name) add(username, 'Enter a username');
    else if (!USERNAME_PATTERN.test(name)) add(username, 'Use 3 to 20 letters, numbers, _ or - (no spaces)');
    else if (/\d{4,}/.test(name) || (name.match(/\d/g) || []).length > 5) {
      add(username, "Please don't use long numbers (like a phone number or a birth year) in your username");
    }
    if (!password.control.value) add(password, 'Enter a password');
    else if (password.control.value.length < 10) add(password, 'Your password needs at least 10 characters');
    if (!month.control.value) add(month, 'Choose the month you were born');
    const y = year.control.value.trim();
    if (!y) add(year, 'Enter the year you were born');
    else if (!/^\d{4}$/.test(y)) add(year, 'Enter the year as 4 numbers, like 2010');
    else if (Number(y) > thisYear) add(year, 'The year you were born must be in the past');
    else if (Number(y) < thisYear - 100) add(year, 'Check the year you were born');
    if (!council.control.value) add(council, 'Choose your council');
    return problems;
  }

  function showNotEligible(err) {
    const c = councils.find((x) => x.code === council.control.value) || {};
    const data = err.data || {};
    const info = {
      name: data.council_name || c.name || 'your area',
      min_age: data.min_age ?? c.min_age,
      max_age: data.max_age ?? c.max_age,
      extended_max_age: data.extended_max_age ?? c.extended_max_age,
    };
    const listSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading helplines…'));
    const box = h('section', { class: 'eligibility-box', tabindex: '-1', 'aria-labelledby': 'not-eligible-title' },
      h('h2', { id: 'not-eligible-title' }, "Sorry, you can't sign up here"),
      h('p', {}, info.min_age != null ? ageText(info) : (err.detail || "Waymark isn't open to your age in this area.")),
      h('p', {}, 'If you picked the wrong month, year or council, you can change it below and try again.'),
      h('p', {}, 'You can still ', h('a', { href: '#/library' }, 'read the Waymark library'), ' without an account.'),
      h('h3', {}, 'You can talk to someone now, for free'),
      listSlot);
    eligibilityBox.replaceChildren(box);
    box.focus();
    loadCrisisLines().then(({ lines }) => {
      const all = lines.some((l) => /childline/i.test(l.name || '')) ? lines : [FALLBACK_CRISIS_LINES[0], ...lines];
      listSlot.replaceChildren(crisisList(all, { headingLevel: 4 }));
    });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    eligibilityBox.replaceChildren();
    const problems = check();
    if (problems.length) {
      summary.show(problems);
      return;
    }
    const body = {
      username: username.control.value.trim(),
      password: password.control.value,
      birth_month: Number(month.control.value),
      birth_year: Number(year.control.value.trim()),
      council_code: council.control.value,
    };
    const ext = extended.value();
    if (ext) body.extended_eligibility = ext;

    submit.disabled = true;
    submit.textContent = 'Signing you up…';
    try {
      const result = await api('/auth/signup', { method: 'POST', body });
      ctx.setUser(result.user);
      showRecoveryCode(root, ctx, result.recovery_code, {
        intro: `You're signed up, ${result.user.username}. Welcome to Waymark.`,
        next: '#/home',
      });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_eligible') {
        showNotEligible(err);
      } else if (err instanceof ApiError && err.status === 409) {
        const text = 'That username is already taken. Please try a different one.';
        username.setError(text);
        summary.show([{ text, target: username.id }]);
      } else if (err instanceof ApiError && err.status === 400) {
        const byField = fieldErrors(err);
        const items = [];
        for (const [key, text] of Object.entries(byField)) {
          const f = fields[key];
          if (f) { f.setError(text); items.push({ text, target: f.id }); }
        }
        if (!items.length) {
          const text = err.detail || 'Please check your answers.';
          const f = /password/i.test(text) ? password : /username|name/i.test(text) ? username : null;
          if (f) f.setError(text);
          items.push({ text, target: f ? f.id : null });
        }
        summary.show(items);
      } else {
        summary.show([{ text: errorMessage(err) }]);
      }
    }
    submit.disabled = false;
    submit.textContent = 'Sign up';
  });
}
