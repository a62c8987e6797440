// The council console's add / edit form for one service. Saving marks the service as
// reviewed today (in London); the officer's changes are checked here first, then by the API.

import { api, ApiError, errorMessage, fieldErrors } from '../../api.js';
import {
  h, button, field, errorSummary, radioGroup, uid, fill, formatDate, THRIVE_LABELS,
} from '../../ui.js';
import { scheduleEditor } from './schedules.js';

/** Today's date in London, as the API writes dates (YYYY-MM-DD). */
export function todayInLondon(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now);
}

export async function showServiceForm(owner, service) {
  const editing = Boolean(service);
  const s = service || {
    status: 'active', thrive: 'getting_advice', topics: [], self_referral: true, schedules: [], contact_verified: false,
    min_age: owner.council.min_age ?? 11, max_age: owner.council.max_age ?? 18, extended_max_age: owner.council.extended_max_age ?? null,
  };
  const title = h('h2', { tabindex: '-1' }, editing ? `Edit ${s.name}` : 'Add a service');
  const summary = errorSummary();
  const topics = await owner.loadTopics();
  const loc = (s.location && typeof s.location === 'object') ? s.location : {};

  const f = {
    name: field({ label: 'Service name', name: 'name', value: s.name, attrs: { maxlength: '200' } }),
    organisation: field({ label: 'Organisation (optional)', name: 'organisation', value: s.organisation }),
    description: field({
      label: 'Description', name: 'description', type: 'textarea', value: s.description,
      hint: 'Plain words a young person can follow: what it is, who it is for and how it helps.', attrs: { rows: '5' },
    }),
    status: field({
      label: 'Status', name: 'status', type: 'select', value: s.status || 'active',
      options: [{ value: 'active', label: 'Active (young people can see it)' }, { value: 'inactive', label: 'Retired (hidden)' }],
    }),
    thrive: field({
      label: 'THRIVE category', name: 'thrive', type: 'select', value: s.thrive,
      options: Object.entries(THRIVE_LABELS).map(([value, label]) => ({ value, label })),
    }),
    min_age: field({ label: 'Youngest age', name: 'min_age', type: 'number', value: s.min_age, attrs: { min: '0', max: '30', inputmode: 'numeric', class: 'input-short' } }),
    max_age: field({ label: 'Oldest age', name: 'max_age', type: 'number', value: s.max_age, attrs: { min: '0', max: '30', inputmode: 'numeric', class: 'input-short' } }),
    extended_max_age: field({
      label: 'Oldest age for care leavers and young people with an EHCP (optional)', name: 'extended_max_age', type: 'number',
      value: s.extended_max_age, attrs: { min: '0', max: '30', inputmode: 'numeric', class: 'input-short' },
    }),
    eligibility: field({ label: 'Who can use it (optional)', name: 'eligibility', type: 'textarea', value: s.eligibility, attrs: { rows: '2' } }),
    phone: field({ label: 'Phone (optional)', name: 'phone', type: 'tel', value: s.phone, attrs: { autocomplete: 'off' } }),
    email: field({ label: 'E-mail (optional)', name: 'email', type: 'email', value: s.email, attrs: { autocomplete: 'off' } }),
    url: field({ label: 'Website (optional)', name: 'url', type: 'url', value: s.url, hint: 'Starting with https://', attrs: { autocomplete: 'off' } }),
    sms: field({ label: 'Text number (optional)', name: 'sms', type: 'tel', value: s.sms, hint: 'A number young people can text.', attrs: { autocomplete: 'off' } }),
    loc_name: field({ label: 'Place name', name: 'loc_name', value: loc.name, attrs: { autocomplete: 'off' } }),
    loc_address: field({ label: 'Address', name: 'loc_address', value: loc.address_1, attrs: { autocomplete: 'off' } }),
    loc_city: field({ label: 'Town or city', name: 'loc_city', value: loc.city, attrs: { autocomplete: 'off' } }),
    loc_postcode: field({ label: 'Postcode', name: 'loc_postcode', value: loc.postal_code, attrs: { autocomplete: 'off', class: 'input-medium', maxlength: '10' } }),
    note: field({
      label: 'Note for your team (optional)', name: 'note', type: 'textarea', value: s.note,
      hint: 'Young people do not see this.', attrs: { rows: '2' },
    }),
    hours: field({
      label: 'Opening hours in words (optional)', name: 'hours', value: s.hours,
      hint: 'Young people see this, for example "Until 10pm every day".',
    }),
  };
  const selfReferral = radioGroup({
    legend: 'Can young people contact them themselves?', name: uid('self_referral'),
    value: s.self_referral === false ? 'no' : s.self_referral === true ? 'yes' : null,
    options: [{ value: 'yes', label: 'Yes, they can contact them themselves' }, { value: 'no', label: 'No, someone like a GP or school has to refer them' }],
    hint: s.self_referral === null ? 'Not known yet for this service.' : undefined,
  });
  const topicBoxes = topics.map((t) => {
    const id = uid('topic');
    const input = h('input', { type: 'checkbox', id, value: t.slug, checked: (s.topics || []).includes(t.slug) ? true : null });
    return { input, el: h('div', { class: 'choice choice-inline' }, input, h('label', { for: id }, t.name)) };
  });
  const topicsSet = h('fieldset', { class: 'fieldset' },
    h('legend', { class: 'legend' }, 'Topics'),
    h('div', { class: 'hint' }, 'Choose every topic this service helps with.'),
    topicBoxes.length ? h('div', { class: 'choices choices-grid' }, topicBoxes.map((b) => b.el)) : h('p', {}, "Topics couldn't load."));
  const verifiedId = uid('verified');
  const verified = h('input', { type: 'checkbox', id: verifiedId, checked: s.contact_verified ? true : null });
  const crisisId = uid('crisis');
  const crisisLine = h('input', { type: 'checkbox', id: crisisId, checked: s.crisis_line ? true : null });
  const schedules = scheduleEditor(s.schedules || []);

  const save = button(editing ? 'Save changes' : 'Add service', { type: 'submit' });
  const cancel = button('Cancel', { variant: 'secondary', onClick: () => { owner.showList(); owner.listTitle.focus(); } });

  const form = h('form', { class: 'form form-wide', novalidate: true },
    summary.el,
    f.name.row, f.organisation.row, f.description.row,
    h('div', { class: 'field-pair' }, f.status.row, f.thrive.row),
    topicsSet,
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'legend' }, 'Ages'),
      h('div', { class: 'field-pair' }, f.min_age.row, f.max_age.row), f.extended_max_age.row),
    f.eligibility.row,
    selfReferral.el,
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'legend' }, 'Contact'),
      f.phone.row, f.sms.row, f.email.row, f.url.row),
    h('div', { class: 'choice' }, verified, h('label', { for: verifiedId }, 'I have checked the phone, e-mail and website are right')),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'legend' }, 'Location (optional)'),
      h('div', { class: 'hint' }, 'Leave empty for online or phone services.'),
      f.loc_name.row, f.loc_address.row, h('div', { class: 'field-pair' }, f.loc_city.row, f.loc_postcode.row)),
    f.hours.row,
    schedules.el,
    h('div', { class: 'choice' }, crisisLine, h('label', { for: crisisId }, 'This is a crisis line (show it with the helplines on "Talk to someone")')),
    h('p', { class: 'meta reviewed-note' }, `Last reviewed: ${s.reviewed_on ? formatDate(s.reviewed_on) : 'never'}. `,
      editing ? 'Saving marks it as reviewed today.' : 'Adding it marks it as reviewed today.'),
    f.note.row,
    h('div', { class: 'actions actions-row' }, save, cancel));

  fill(owner.area, h('p', {}, h('button', { type: 'button', class: 'link-button back-link', onclick: () => cancel.click() }, 'Back to the list')),
    title, form);
  title.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    Object.values(f).forEach((x) => x.setError(null));
    const problems = [];
    const add = (fld, text) => { fld.setError(text); problems.push({ text, target: fld.id }); };
    const val = (k) => f[k].control.value.trim();
    const num = (k) => (val(k) === '' ? null : Number(val(k)));

    if (!val('name')) add(f.name, 'Enter the service name');
    if (!val('description')) add(f.description, 'Enter a description');
    for (const k of ['min_age', 'max_age']) {
      if (val(k) === '' || !Number.isInteger(num(k)) || num(k) < 0) add(f[k], `Enter the ${k === 'min_age' ? 'youngest' : 'oldest'} age as a whole number`);
    }
    if (!problems.length && num('min_age') > num('max_age')) add(f.max_age, 'The oldest age must be the same as or more than the youngest age');
    if (val('extended_max_age') !== '' && (!Number.isInteger(num('extended_max_age')) || num('extended_max_age') < (num('max_age') || 0))) {
      add(f.extended_max_age, 'This age must be a whole number, the same as or more than the oldest age');
    }
    if (val('email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(val('email'))) add(f.email, 'Enter an e-mail address like name@example.org');
    if (val('url') && !/^https?:\/\/\S+\.\S+/.test(val('url'))) add(f.url, 'Enter a web address starting with https://');
    problems.push(...schedules.validate());
    if (problems.length) {
      summary.show(problems);
      return;
    }

    const body = { ...(service || {}) };
    delete body.id;
    delete body.open_now;
    delete body.council_code;
    Object.assign(body, {
      name: val('name'),
      organisation: val('organisation') || null,
      description: val('description'),
      status: val('status'),
      thrive: val('thrive'),
      topics: topicBoxes.filter((b) => b.input.checked).map((b) => b.input.value),
      min_age: num('min_age'),
      max_age: num('max_age'),
      extended_max_age: num('extended_max_age'),
      eligibility: val('eligibility') || null,
      self_referral: selfReferral.value() === null ? null : selfReferral.value() === 'yes',
      phone: val('phone') || null,
      sms: val('sms') || null,
      email: val('email') || null,
      url: val('url') || null,
      hours: val('hours') || null,
      schedules: schedules.value(),
      reviewed_on: todayInLondon(),
      contact_verified: verified.checked,
      crisis_line: crisisLine.checked,
      note: val('note') || null,
    });
    const location = {
      ...loc, name: val('loc_name') || null, address_1: val('loc_address') || null, city: val('loc_city') || null, postal_code: val('loc_postcode') || null,
    };
    body.location = [location.name, location.address_1, location.city, location.postal_code].some(Boolean) ? location : null;
    for (const k of ['managed_by', 'last_modified', 'national', 'needs_contact', 'needs_review', 'hours_note']) delete body[k];

    save.disabled = true;
    try {
      if (editing) {
        await api(`${owner.base}/${encodeURIComponent(service.id)}`, { method: 'PUT', body });
      } else {
        await api(owner.base, { method: 'POST', body });
      }
      owner.showList(editing ? `Your changes to ${body.name} are saved.` : `${body.name} has been added.`);
      owner.listTitle.focus();
      return;
    } catch (err) {
      const items = [];
      if (err instanceof ApiError && err.status === 400) {
        const alias = { address_1: 'loc_address', city: 'loc_city', postal_code: 'loc_postcode' };
        for (const [key, text] of Object.entries(fieldErrors(err))) {
          const fld = f[alias[key] || key];
          if (fld) { fld.setError(text); items.push({ text, target: fld.id }); } else items.push({ text: `${key}: ${text}` });
        }
      }
      if (!items.length) items.push({ text: err instanceof ApiError && (err.status === 400 || err.status === 409) && err.detail ? err.detail : errorMessage(err) });
      summary.show(items);
    }
    save.disabled = false;
  });
}
