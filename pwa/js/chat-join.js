// Joining the counsellors' queue, shared by the Talk screen and the chat screen: the join
// form (optional topic, "I'm not safe right now") and the estimated wait in words.

import { api, ApiError, errorMessage } from './api.js';
import { h, button, field, errorSummary, uid } from './ui.js';

/** "Less than a minute", "About a minute", "About 5 minutes", "About 2 hours". */
export function waitWords(seconds) {
  if (seconds === null || seconds === undefined) return null; // no estimate: nobody is available
  const s = Number(seconds);
  if (!Number.isFinite(s) || s < 0) return null;
  if (s < 60) return 'Less than a minute';
  if (s < 90) return 'About a minute';
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `About ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'About an hour' : `About ${hours} hours`;
}

/**
 * The join form, also used on the Talk screen. Calls onJoined(request) after 201 (or
 * when a request is already open), onClosed(problem) when chat has just closed.
 */
export function joinForm({ onJoined, onClosed }) {
  const summary = errorSummary();
  const topic = field({
    label: 'What would you like to talk about? (optional)',
    name: 'topic',
    hint: "A few words is fine. You don't have to say.",
    attrs: { maxlength: '140', autocomplete: 'off', enterkeyhint: 'go' },
  });
  const urgentId = uid('urgent');
  const urgentHintId = `${urgentId}-hint`;
  const urgent = h('input', { type: 'checkbox', id: urgentId, name: 'urgent', 'aria-describedby': urgentHintId });
  const submit = button('Join the queue', { type: 'submit', class: 'btn btn-primary btn-block' });
  const form = h('form', { class: 'form join-form', novalidate: true },
    summary.el,
    topic.row,
    h('div', { class: 'choice choice-urgent' }, urgent,
      h('div', {},
        h('label', { for: urgentId }, "I'm not safe right now"),
        h('p', { class: 'hint', id: urgentHintId },
          "Tick this and we'll put you near the front of the queue. If you're in danger now, call 999."))),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    topic.setError(null);
    submit.disabled = true;
    try {
      const request = await api('/chat/requests', {
        method: 'POST', body: { topic: topic.control.value.trim() || null, urgent: urgent.checked },
      });
      onJoined(request);
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && err.status === 409 && err.code === 'closed') {
        onClosed(err.data || {});
      } else if (err instanceof ApiError && err.status === 409) {
        onJoined(null); // already waiting or chatting: go back to it
      } else if (err instanceof ApiError && err.status === 400) {
        topic.setError('Please keep the topic short: up to 140 letters.');
        summary.show([{ text: 'Please keep the topic short: up to 140 letters.', target: topic.id }]);
      } else {
        summary.show([{ text: `We couldn't add you to the queue. ${errorMessage(err)}` }]);
      }
    }
  });
  return form;
}
