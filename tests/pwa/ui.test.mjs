import './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const ui = await import('../../pwa/js/ui.js');

test('h() puts text from a user in as text, never as HTML', () => {
  const hostile = '<img src=x onerror="alert(1)"><b>bold</b>';
  const p = ui.h('p', { class: 'msg', title: hostile }, hostile, ' and ', 42);
  assert.equal(p.querySelector('img'), null);
  assert.equal(p.querySelector('b'), null);
  assert.equal(p.textContent, `${hostile} and 42`);
  assert.equal(p.getAttribute('title'), hostile);
  assert.equal(p.className, 'msg');
});

test('h() attributes: true is present and empty, false/null/undefined are left out, on* listens', () => {
  let clicks = 0;
  const b = ui.h('button', { disabled: true, hidden: false, 'aria-label': null, 'data-x': undefined, onClick: () => { clicks += 1; } },
    null, false, undefined, ['a', ['b']]);
  assert.equal(b.getAttribute('disabled'), '');
  assert.equal(b.hasAttribute('hidden'), false);
  assert.equal(b.hasAttribute('aria-label'), false);
  assert.equal(b.hasAttribute('data-x'), false);
  assert.equal(b.textContent, 'ab');
  b.click();
  assert.equal(clicks, 0); // a disabled button is not clickable
  const live = ui.h('button', { onClick: () => { clicks += 1; } }, 'Go');
  live.click();
  assert.equal(clicks, 1);
});

test('text: sets textContent, even for markup', () => {
  assert.equal(ui.h('span', { text: '<i>x</i>' }).innerHTML, '&lt;i&gt;x&lt;/i&gt;');
});

test('fill() replaces what an element holds', () => {
  const box = ui.h('div', {}, ui.h('p', {}, 'old'));
  ui.fill(box, ui.h('p', {}, 'new'), 'tail');
  assert.equal(box.textContent, 'newtail');
  assert.equal(box.children.length, 1);
});

test('uid() never repeats', () => {
  const ids = new Set(Array.from({ length: 50 }, () => ui.uid('f')));
  assert.equal(ids.size, 50);
});

test('plural and the wait in words', () => {
  assert.equal(ui.plural(1, 'post', 'posts'), '1 post');
  assert.equal(ui.plural(2, 'post', 'posts'), '2 posts');
  assert.equal(ui.formatWait(30), 'about a minute');
  assert.equal(ui.formatWait(20 * 60), 'about 20 minutes');
  assert.equal(ui.formatWait(60 * 60), 'about an hour');
  assert.equal(ui.formatWait(-1), null);
  assert.equal(ui.formatWait(null), null); // the status gives no estimate while nobody is available
});

test("londonDay: a day in London's time, across the clock changes", () => {
  // 23:30 UTC on 29 June is 00:30 on 30 June in London (summer time, UTC+1)
  assert.equal(ui.londonDay(new Date('2026-06-29T23:30:00Z')), ui.londonDay(new Date('2026-06-30T12:00:00Z')));
  // 23:30 UTC on 1 December is still 1 December in London (GMT)
  assert.equal(ui.londonDay(new Date('2026-12-01T23:30:00Z')), ui.londonDay(new Date('2026-12-01T08:00:00Z')));
  assert.notEqual(ui.londonDay(new Date('2026-12-01T23:30:00Z')), ui.londonDay(new Date('2026-12-02T00:30:00Z')));
});
