// Staff two-step log-in: scan the QR code (or type the key) into an authenticator app,
// then confirm with the first code.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, screenHeading, setTitle, backLink, button, field, errorSummary, loading, fill, notice } from '../../ui.js';

function qrImage(svgText) {
  // The server draws the QR code (segno) as an SVG document; shown as an image, never as markup.
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  return h('img', { src, alt: 'QR code to scan with your authenticator app', width: 210, height: 210, class: 'qr-code' });
}

export async function render(root, ctx) {
  setTitle('Two-step log-in');
  const area = h('div', {}, loading('Making your key…'));
  const required = ctx.user.pending === 'mfa_setup_required';
  if (!required) root.append(backLink(ctx.back('#/staff'), 'Staff home'));
  root.append(
    screenHeading('Set up two-step log-in'),
    h('p', {}, required
      ? 'Waymark staff log in with a password and a code from an app on their phone. Please set it up now.'
      : 'Add a code from an app on your phone to your password, so nobody else can log in as you.'),
    area);

  let setup;
  try {
    setup = await api('/auth/mfa/setup', { method: 'POST' });
  } catch (err) {
    fill(area, notice(errorMessage(err), 'error'));
    return;
  }
  const summary = errorSummary();
  const code = field({ label: 'The 6-digit code your app shows', name: 'code',
    attrs: { autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6' } });
  const submit = button('Turn on two-step log-in', { type: 'submit' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, code.row, h('div', { class: 'actions' }, submit));
  fill(area,
    h('ol', { class: 'plain-steps' },
      h('li', {}, 'Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password).'),
      h('li', {}, 'Scan this QR code, or type the key below.'),
      h('li', {}, 'Type the code the app shows.')),
    h('figure', { class: 'qr' }, qrImage(setup.qr_svg),
      h('figcaption', {}, 'Key: ', h('code', { class: 'mfa-secret', 'data-secret': setup.secret }, setup.secret))),
    form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    code.setError(null);
    const value = code.control.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(value)) {
      code.setError('Type the 6 numbers your app shows');
      summary.show([{ text: 'Type the 6 numbers your app shows', target: code.id }]);
      return;
    }
    submit.disabled = true;
    try {
      await api('/auth/mfa/confirm', { method: 'POST', body: { code: value } });
      ctx.setUser({ ...ctx.user, pending: null });
      fill(area, notice('Two-step log-in is on. Next time, you will be asked for a code after your password.', 'success'),
        h('p', {}, h('a', { href: '#/staff' }, 'Go to staff home')));
    } catch (err) {
      const text = err instanceof ApiError && err.status === 400 ? err.detail : errorMessage(err);
      code.setError(text);
      summary.show([{ text, target: code.id }]);
      submit.disabled = false;
    }
  });
}
