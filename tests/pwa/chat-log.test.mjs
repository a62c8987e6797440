import './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { MessageLog, sendFromBox } = await import('../../pwa/js/chat-ui.js');

function newLog() {
  return new MessageLog({ ownSender: 'young_person', labelFor: (s) => (s === 'young_person' ? 'You' : 'Jo') });
}

const seqs = (log) => [...log.el.querySelectorAll('li.msg')].map((li) => li.dataset.seq || 'pending');
const bodies = (log) => [...log.el.querySelectorAll('li.msg .msg-body')].map((p) => p.textContent);

test('each seq is shown once, in seq order, however the frames arrive', () => {
  const log = newLog();
  for (const seq of [2, 1, 3, 2, 1]) {
    log.addMessage({ seq, sender: seq % 2 ? 'counsellor' : 'young_person', body: `m${seq}`, sent_at: '2026-12-01T18:00:00Z' });
  }
  assert.deepEqual(seqs(log), ['1', '2', '3']);
  assert.deepEqual(bodies(log), ['m1', 'm2', 'm3']);
  // list items inside a list, and the list inside the live region (role="log" on the <ol>
  // itself would take its list role away: axe "listitem")
  assert.equal(log.list.tagName, 'OL');
  assert.equal(log.el.getAttribute('role'), 'log');
  assert.ok([...log.el.querySelectorAll('li')].every((li) => li.parentElement === log.list));
  assert.equal(log.list.getAttribute('role'), null);
});

test('a message sent from this phone shows as sending, then takes its place when stored', () => {
  const log = newLog();
  log.addMessage({ seq: 1, sender: 'counsellor', body: 'hi', sent_at: '2026-12-01T18:00:00Z' });
  log.addPending({ client_id: 'c-1', body: 'hello', created_at: '2026-12-01T18:01:00Z' });
  assert.deepEqual(seqs(log), ['1', 'pending']);
  assert.match(log.el.textContent, /Sending/);
  // the other person's next message arrives before our ack: ours is stored as 3
  log.addMessage({ seq: 2, sender: 'counsellor', body: 'are you ok?', sent_at: '2026-12-01T18:01:00Z' });
  log.addMessage({ seq: 3, sender: 'young_person', body: 'hello', client_id: 'c-1', sent_at: '2026-12-01T18:01:05Z' });
  assert.deepEqual(seqs(log), ['1', '2', '3']);
  assert.deepEqual(bodies(log), ['hi', 'are you ok?', 'hello']);
  assert.doesNotMatch(log.el.textContent, /Sending/);
  log.addPending({ client_id: 'c-1', body: 'hello' }); // a retry of the same message adds nothing
  assert.equal(seqs(log).length, 3);
});

test('a refused message says so and stays visible', () => {
  const log = newLog();
  log.addPending({ client_id: 'c-2', body: 'my number is…', created_at: '2026-12-01T18:02:00Z' });
  log.markFailed('c-2', 'That message is too long.');
  assert.match(log.el.textContent, /Not sent\. That message is too long\./);
});

test('text from the other person is text, not HTML', () => {
  const log = newLog();
  log.addMessage({ seq: 1, sender: 'counsellor', body: '<img src=x onerror=alert(1)>', sent_at: '2026-12-01T18:00:00Z' });
  assert.equal(log.el.querySelector('img'), null);
  assert.deepEqual(bodies(log), ['<img src=x onerror=alert(1)>']);
});

test("a message over the box's limit (the server's, as maxlength) is not sent; one within it is, once", () => {
  const log = newLog();
  const sent = [];
  const conn = { send: (sessionId, body) => { const item = { client_id: `c-${sent.length}`, session_id: sessionId, body }; sent.push(item); return item; } };
  const textbox = document.createElement('textarea');
  textbox.setAttribute('maxlength', '5');
  const errorEl = document.createElement('p');
  const send = () => sendFromBox({ conn, sessionId: 's1', textbox, log, errorEl, tooLong: (max) => `Up to ${max}` });
  textbox.value = '   ';
  assert.equal(send(), null); // nothing written: nothing sent, no error
  assert.equal(errorEl.hidden, true);
  textbox.value = 'too long';
  assert.equal(send(), null);
  assert.equal(errorEl.textContent, 'Up to 5');
  assert.equal(errorEl.hidden, false);
  assert.equal(textbox.value, 'too long'); // kept, to shorten
  textbox.value = ' hi! ';
  const item = send();
  assert.deepEqual(sent, [{ client_id: 'c-0', session_id: 's1', body: 'hi!' }]);
  assert.equal(item, sent[0]);
  assert.equal(errorEl.hidden, true);
  assert.equal(textbox.value, '');
  assert.deepEqual(bodies(log), ['hi!']);
  textbox.removeAttribute('maxlength'); // limits never loaded: the server decides
  textbox.value = 'a longer message';
  assert.ok(send());
  assert.equal(sent.length, 2);
});
