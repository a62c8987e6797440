// Local help: the services of the young person's council that fit their age, then
// national ones. Filters: topic and "open now". Route: #/services?topic=&open_now=1

import { api, ApiError, errorMessage } from '../api.js';
import { h, screenHeading, setTitle, backLink, button, uid, srOnly, dialable, linkButton } from '../ui.js';
import { crisisBlock } from '../crisis.js';

/** Count a tap on a contact link, anonymously. Fire and forget. */
function countClick(serviceId, kind) {
  api(`/services/${encodeURIComponent(serviceId)}/clicks`, { method: 'POST', body: { kind }, keepalive: true })
    .catch(() => { /* counting must never get in the way */ });
}

/** Open now, closed now, or (hours not known) what to do: never "Closed now" for an unknown time. */
export function openBadge(service) {
  if (service.open_now === true) return h('p', { class: 'badge badge-open' }, h('span', { 'aria-hidden': 'true' }, '● '), 'Open now');
  if (service.open_now === false) return h('p', { class: 'badge badge-closed' }, h('span', { 'aria-hidden': 'true' }, '○ '), 'Closed now');
  return h('p', { class: 'badge badge-unknown' }, service.hours_note || 'Check their website for times.');
}

function serviceCard(service, track) {
  const contacts = [];
  if (service.phone) {
    contacts.push(linkButton(['Call ', service.phone, srOnly(` (${service.name})`)], `tel:${dialable(service.phone)}`,
      { variant: 'primary', 'data-kind': 'phone' }));
  }
  if (service.sms) {
    contacts.push(linkButton(['Text ', service.sms, srOnly(` (${service.name})`)], `sms:${dialable(service.sms)}`,
      { variant: 'primary', 'data-kind': 'sms' }));
  }
  if (service.email) {
    contacts.push(linkButton(['Email', srOnly(` ${service.name}`)], `mailto:${service.email}`,
      { variant: 'secondary', 'data-kind': 'email' }));
  }
  if (service.url && /^https?:/i.test(service.url)) {
    contacts.push(linkButton(['Website', srOnly(` for ${service.name} (opens in a new tab)`)], service.url,
      { variant: 'secondary', target: '_blank', rel: 'noopener noreferrer', 'data-kind': 'url' }));
  }
  const ages = service.min_age != null && service.max_age != null ? `For ages ${service.min_age} to ${service.max_age}.` : '';
  const card = h('li', { class: 'service-card' },
    h('h3', { class: 'service-name' }, service.name),
    openBadge(service),
    service.description ? h('p', {}, service.description) : null,
    service.self_referral === true ? h('p', { class: 'referral' }, 'You can contact them yourself.') : null,
    service.self_referral === false ? h('p', { class: 'referral' }, 'Someone like a GP or school can refer you.') : null,
    service.hours ? h('p', { class: 'meta' }, /[.!?]$/.test(service.hours) ? service.hours : `${service.hours}.`) : null,
    ages ? h('p', { class: 'meta' }, ages) : null,
    contacts.length ? h('div', { class: 'contact-actions' }, contacts) : null);
  if (track) {
    card.addEventListener('click', (event) => {
      const a = event.target instanceof Element ? event.target.closest('a[data-kind]') : null;
      if (a) countClick(service.id, a.dataset.kind);
    });
  }
  return card;
}

function signedOut(root, ctx) {
  root.append(
    backLink(ctx.back('#/welcome')),
    screenHeading('Local help'),
    h('p', {}, 'Log in to see services near you that fit your age. It is free and anonymous.'),
    h('div', { class: 'actions' },
      h('a', { href: '#/login', class: 'btn btn-primary btn-block' }, 'Log in to see local help'),
      h('a', { href: '#/signup', class: 'btn btn-secondary btn-block' }, 'Make an account')),
    h('section', { class: 'section', 'aria-labelledby': 'now-title' },
      h('h2', { id: 'now-title' }, 'You can talk to someone now'),
      crisisBlock({ headingLevel: 3 })));
}

export async function render(root, ctx) {
  setTitle('Local help');
  if (!ctx.user) {
    signedOut(root, ctx);
    return;
  }

  const topic = ctx.query.get('topic') || '';
  const openNow = ctx.query.get('open_now') === '1' || ctx.query.get('open_now') === 'true';
  const track = ctx.user.role === 'young_person';

  const topicId = uid('topic');
  const topicSelect = h('select', { id: topicId, name: 'topic' }, h('option', { value: '' }, 'All topics'));
  const openId = uid('open');
  const openBox = h('input', { id: openId, type: 'checkbox', name: 'open_now', checked: openNow ? true : null });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });

  const filters = h('form', { class: 'filters', 'aria-label': 'Filter services' },
    h('div', { class: 'field' }, h('label', { for: topicId, class: 'label' }, 'Topic'), topicSelect),
    h('div', { class: 'choice choice-switch' }, openBox, h('label', { for: openId }, 'Only show services open now')));

  root.append(
    backLink(ctx.back(ctx.landing())),
    screenHeading('Local help'),
    h('p', {}, 'Services that can help, near you and across the country.'),
    filters,
    results);

  api('/topics').then((topics) => {
    for (const t of topics || []) topicSelect.append(h('option', { value: t.slug }, t.name));
    topicSelect.value = topic;
  }).catch(() => {
    if (topic) topicSelect.append(h('option', { value: topic }, topic));
    topicSelect.value = topic;
  });

  let loadToken = 0;
  async function load() {
    const mine = ++loadToken;
    const chosenTopic = topicSelect.value || (topicSelect.options.length > 1 ? '' : topic);
    const onlyOpen = openBox.checked;
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(h('p', { class: 'loading' }, 'Finding services…'));
    let content;
    try {
      const data = await api('/services', { query: { topic: chosenTopic, open_now: onlyOpen } });
      content = listServices((data && data.items) || [], onlyOpen, track);
    } catch (err) {
      content = problem(err, ctx, load);
    }
    if (mine !== loadToken) return;
    results.replaceChildren(...content.filter(Boolean));
    results.removeAttribute('aria-busy');
  }

  const apply = () => {
    // Keep the filters in the address without adding a history entry or moving focus.
    const params = new URLSearchParams();
    if (topicSelect.value) params.set('topic', topicSelect.value);
    if (openBox.checked) params.set('open_now', '1');
    const qs = params.toString();
    ctx.setHash(`#/services${qs ? `?${qs}` : ''}`);
    load();
  };
  filters.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  topicSelect.addEventListener('change', apply);
  openBox.addEventListener('change', apply);

  await load();
}

function listServices(items, onlyOpen, track) {
  const local = items.filter((s) => !s.national);
  const national = items.filter((s) => s.national);
  const parts = [];
  parts.push(h('section', { class: 'section', 'aria-labelledby': 'local-title' },
    h('h2', { id: 'local-title' }, 'Near you'),
    local.length ? h('ul', { class: 'service-list' }, local.map((s) => serviceCard(s, track)))
      : h('p', {}, onlyOpen
        ? 'No local services that fit are open right now. Try turning off "open now".'
        : 'We have no local services that fit this yet.')));
  if (national.length) {
    parts.push(h('section', { class: 'section', 'aria-labelledby': 'national-title' },
      h('h2', { id: 'national-title' }, 'National services'),
      h('ul', { class: 'service-list' }, national.map((s) => serviceCard(s, track)))));
  }
  parts.push(h('p', {}, 'Need to talk now? ', h('a', { href: '#/talk' }, 'See helplines that are open all the time'), '.'));
  return parts;
}

function problem(err, ctx, retry) {
  if (err instanceof ApiError && err.status === 403) {
    return [h('p', {}, 'Local help is for young people and counsellors.'),
      ctx.user.role === 'council_admin' || ctx.user.role === 'admin'
        ? h('p', {}, h('a', { href: '#/council' }, 'Manage your council’s services')) : null];
  }
  if (err instanceof ApiError && err.status === 401) {
    return [h('p', {}, 'Please log in again to see local help.')];
  }
  return [
    h('p', {}, err && err.offline
      ? "You're offline. Local help needs a connection, but the helplines below work any time."
      : `We couldn't load local help. ${errorMessage(err)}`),
    button('Try again', { variant: 'secondary', onClick: retry }),
    crisisBlock({ headingLevel: 3 })];
}
