// Council officer console: the council's service directory (Open Referral UK shaped).
// council_admin: their own council. admin: any council (#/council?code=E06000044).
// List, add, edit, retire (DELETE, with confirmation), import and export ORUK JSON.
// The list puts first what needs the officer: services nobody can contact (hidden from young
// people until they have a phone, text number, e-mail or website) and services not reviewed
// for 12 months. Saving a service marks it reviewed today.

import { api, errorMessage } from '../../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, srOnly, fill, formatDate, THRIVE_LABELS, plural,
  confirmDialog,
} from '../../ui.js';
import { importPanel } from '../council/import.js';
import { showServiceForm } from '../council/service-form.js';

export async function render(root, ctx) {
  setTitle('Council services');
  const isAdmin = ctx.user.role === 'admin';
  const pickerSlot = h('div');
  const area = h('div', { class: 'council-area' });
  root.append(
    backLink(ctx.back('#/staff'), 'Staff home'),
    screenHeading('Council services'),
    h('p', {}, 'Keep your directory of local services right. Young people see the active services that fit their age.'),
    pickerSlot,
    area);

  let councils = [];
  try {
    councils = (await api('/councils')) || [];
  } catch {
    councils = [];
  }

  let code = isAdmin ? (ctx.query.get('code') || '') : (ctx.user.council_code || '');
  if (isAdmin) {
    const picker = field({
      label: 'Council', name: 'council', type: 'select', value: code,
      options: [{ value: '', label: 'Choose a council' }, ...councils.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))],
    });
    pickerSlot.append(h('div', { class: 'council-picker' }, picker.row));
    picker.control.addEventListener('change', () => {
      code = picker.control.value;
      ctx.setHash(code ? `#/council?code=${encodeURIComponent(code)}` : '#/council');
      start();
    });
  }

  function start() {
    if (!code) {
      fill(area, h('p', {}, isAdmin
        ? 'Choose a council to see its services.'
        : 'Your account is not linked to a council. Please ask a Waymark administrator.'));
      return;
    }
    const council = councils.find((c) => c.code === code) || { code, name: code };
    new Console(area, council).showList();
  }
  start();
}

class Console {
  constructor(area, council) {
    this.area = area;
    this.council = council;
    this.base = `/councils/${encodeURIComponent(council.code)}/services`;
    this.topics = null;
  }

  async loadTopics() {
    if (this.topics) return this.topics;
    try {
      this.topics = (await api('/topics')) || [];
    } catch {
      this.topics = [];
    }
    return this.topics;
  }

  // --- the list ----------------------------------------------------------------------

  showList(message = null) {
    const status = h('div', { class: 'status-message', role: 'status' }, message ? h('p', {}, message) : null);
    const alertBox = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
    this.status = status;
    this.alertBox = alertBox;
    const tableSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading services…'));
    const listTitle = h('h2', { tabindex: '-1' }, `Services in ${this.council.name}`);

    fill(this.area,
      listTitle,
      status,
      alertBox,
      h('div', { class: 'toolbar' },
        button('Add a service', { onClick: () => this.showForm(null) }),
        button('Export ORUK JSON', { variant: 'secondary', onClick: () => this.exportOruk() })),
      tableSlot,
      importPanel(this.base, () => this.loadTable(this.tableSlot)));
    this.listTitle = listTitle;
    this.tableSlot = tableSlot;
    this.loadTable(tableSlot);
  }

  showAlert(text) {
    fill(this.alertBox, h('h2', { class: 'error-summary-title' }, 'There is a problem'), h('p', {}, text));
    this.alertBox.hidden = false;
    this.alertBox.focus();
  }

  async loadTable(slot) {
    let items;
    try {
      const data = await api(this.base);
      items = (data && data.items) || [];
    } catch (err) {
      fill(slot, h('p', {}, `We couldn't load the services. ${errorMessage(err)}`),
        button('Try again', { variant: 'secondary', onClick: () => this.loadTable(slot) }));
      return;
    }
    this.items = items;
    const needsContact = items.filter((s) => s.status === 'active' && s.needs_contact);
    const needsReview = items.filter((s) => s.status === 'active' && s.needs_review);
    const attention = h('section', { class: 'section attention', 'aria-labelledby': 'attention-title' },
      h('h3', { id: 'attention-title' }, 'Needs your attention'),
      h('ul', {},
        h('li', {}, `${plural(needsContact.length, 'service needs', 'services need')} contact details. Young people can't see ${needsContact.length === 1 ? 'it' : 'them'} until ${needsContact.length === 1 ? 'it has' : 'they have'} a phone, text number, e-mail or website.`),
        h('li', {}, `${plural(needsReview.length, 'service has', 'services have')} not been reviewed for 12 months.`)),
      needsContact.length ? h('div', {},
        h('h4', {}, 'Needs contact details'),
        h('ul', { class: 'needs-contact' }, needsContact.map((s) => h('li', {},
          s.name, ' ',
          button(['Add contact details', srOnly(` for ${s.name}`)], {
            variant: 'secondary', class: 'btn btn-secondary btn-small', onClick: () => this.showForm(s),
          }))))) : null);
    if (!items.length) {
      fill(slot, h('p', {}, 'There are no services yet. Add one, or import an Open Referral UK file.'));
      return;
    }
    const sorted = [...items].sort((a, b) => (a.status === b.status ? String(a.name).localeCompare(b.name) : a.status === 'active' ? -1 : 1));
    const rows = sorted.map((s) => {
      const active = (s.status || 'active') === 'active';
      return h('tr', {},
        h('th', { scope: 'row' }, s.name),
        h('td', {}, active ? 'Active' : 'Retired'),
        h('td', {}, THRIVE_LABELS[s.thrive] || s.thrive || '—'),
        h('td', {}, s.min_age != null ? `${s.min_age}–${s.max_age}${s.extended_max_age && s.extended_max_age > s.max_age ? ` (${s.extended_max_age})` : ''}` : '—'),
        h('td', {}, s.reviewed_on ? formatDate(s.reviewed_on) : 'Never',
          active && s.needs_review ? h('span', { class: 'badge badge-warn' }, 'Over 12 months ago') : null),
        h('td', {}, active && s.needs_contact ? h('span', { class: 'badge badge-warn' }, 'Needs contact details')
          : s.contact_verified ? 'Checked' : 'Not checked yet'),
        h('td', {}, h('div', { class: 'row-actions' },
          button(['Edit', srOnly(` ${s.name}`)], { variant: 'secondary', class: 'btn btn-secondary btn-small', onClick: () => this.showForm(s) }),
          active ? button(['Retire', srOnly(` ${s.name}`)], {
            variant: 'danger', class: 'btn btn-danger-outline btn-small', onClick: (e) => this.confirmRetire(s, e.currentTarget),
          }) : null)));
    });
    fill(slot,
      attention,
      h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Services table', tabindex: '0' },
        h('table', { class: 'table' },
          h('caption', { class: 'visually-hidden' }, `${plural(items.length, 'service', 'services')} in ${this.council.name}`),
          h('thead', {}, h('tr', {},
            ['Name', 'Status', 'THRIVE', 'Ages', 'Last reviewed', 'Contact', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))),
      h('p', { class: 'meta' }, 'Ages in brackets are for care leavers and young people with an EHCP.'));
  }

  confirmRetire(service, trigger) {
    confirmDialog({
      trigger,
      title: `Retire ${service.name}?`,
      text: 'Young people will stop seeing it. The record is kept, and you can make it active again by editing it.',
      yesLabel: 'Yes, retire it',
      noLabel: 'Cancel',
      actionsClass: 'actions actions-row',
      onConfirm: async () => {
        try {
          await api(`${this.base}/${encodeURIComponent(service.id)}`, { method: 'DELETE' });
          this.showList(`${service.name} has been retired.`);
          this.listTitle.focus();
        } catch (err) {
          this.showAlert(`We couldn't retire ${service.name}. ${errorMessage(err)}`);
        }
      },
    });
  }

  // --- export and import ---------------------------------------------------------------

  async exportOruk() {
    fill(this.status, h('p', {}, 'Preparing the download…'));
    try {
      const res = await api(`${this.base}/export`, { raw: true });
      const blob = new Blob([await res.text()], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const day = new Date().toISOString().slice(0, 10);
      const a = h('a', { href: url, download: `waymark-services-${this.council.code}-${day}.json`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
      fill(this.status, h('p', {}, 'Your download has started.'));
    } catch (err) {
      fill(this.status);
      this.showAlert(`We couldn't export the services. ${errorMessage(err)}`);
    }
  }

  showForm(service) {
    return showServiceForm(this, service);
  }
}
