// An account restriction beside a queued or open chat: the counsellor sees it, and the chat
// itself is never limited by it (no restriction cuts a young person off from help).

import { h } from '../../ui.js';

const KIND_WORDS = { hold_all: 'posts held for review', suspend: 'suspended from the boards' };

/** "Forum restriction: suspended from the boards (reason). Note: …", or null. */
export function restrictionLine(r) {
  if (!r) return null;
  const kind = KIND_WORDS[r.kind] || r.kind;
  return h('p', { class: 'badge badge-restriction' },
    `Forum restriction: ${kind}${r.reason ? ` (${r.reason})` : ''}${r.note ? `. Note: ${r.note}` : ''}`);
}
