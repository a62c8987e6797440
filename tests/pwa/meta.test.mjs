import { goOffline, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const meta = await import('../../pwa/js/meta.js');

const DOC = {
  risk_levels: [{ level: 'none', label: 'None' }, { level: 'low', label: 'Low' }, { level: 'urgent', label: 'Urgent' }],
  limits: { journal_entry: 10000, post_title: 120 },
};

test('limits and risk labels come from GET /api/v1/meta, once, and are kept for an offline start', async () => {
  meta.forgetMeta();
  localStorage.clear();
  const server = await startApi(() => ({ body: DOC }));
  try {
    assert.deepEqual(await meta.loadLimits(), DOC.limits);
    assert.deepEqual(await meta.loadRiskLabels(), { none: 'None', low: 'Low', urgent: 'Urgent' });
    await meta.loadMeta();
    assert.equal(server.requests.filter((r) => r.url === '/api/v1/meta').length, 1);
    assert.deepEqual(meta.riskLevels(), ['none', 'low', 'urgent']);
    assert.equal(meta.riskLabel('urgent'), 'Urgent');
    assert.equal(meta.riskLabel('made_up'), 'made_up');
  } finally {
    await server.close();
  }
  // A new start with no connection: the copy kept on this device.
  meta.forgetMeta();
  goOffline();
  assert.deepEqual(await meta.loadLimits(), DOC.limits);
  assert.equal(meta.riskLabel('low'), 'Low');
});

test('never loaded and offline: no limits (the server checks), and a form gets no maxlength', async () => {
  meta.forgetMeta();
  localStorage.clear();
  goOffline();
  assert.deepEqual(await meta.loadLimits(), {});
  assert.deepEqual(meta.riskLevels(), []);
  assert.deepEqual(meta.maxLength(undefined), {});
  assert.deepEqual(meta.maxLength(140), { maxlength: '140' });
  const box = document.createElement('textarea');
  await meta.applyLimits([[box, 'post_body']]);
  assert.equal(box.hasAttribute('maxlength'), false);
});

test('applyLimits gives each box its own limit once they are known', async () => {
  meta.forgetMeta();
  localStorage.clear();
  const server = await startApi(() => ({ body: DOC }));
  try {
    const title = document.createElement('input');
    const entry = document.createElement('textarea');
    await meta.applyLimits([[title, 'post_title'], [entry, 'journal_entry']]);
    assert.equal(title.getAttribute('maxlength'), '120');
    assert.equal(entry.getAttribute('maxlength'), '10000');
  } finally {
    await server.close();
  }
});
