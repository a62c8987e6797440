// My journal (young person): a daily mood check-in, private journal entries and goals.
// Routes: #/journal (check-in and the mood chart), #/journal/entries (write and list),
// #/journal/entries/<id> (read, edit, delete), #/journal/goals (add, rate, charts).
//
// Private: only the young person can read any of it (no staff role can). Offline first:
// a check-in, entry, goal or rating made without a connection waits in ../outbox.js
// ("Waiting to send (N)") and is sent with the same client_id when the connection returns.
// The private risk check (../risk-check.js) runs on the phone: nothing is sent for it.
// One module per panel in ../journal/: frame.js (what every journal screen has),
// check-in.js, entries.js, goals.js, and chart.js / words.js that they share.

import { JournalFrame } from '../journal/frame.js';
import { checkIn } from '../journal/check-in.js';
import { entries, entry } from '../journal/entries.js';
import { goals } from '../journal/goals.js';

export async function render(root, ctx) {
  const [section = '', id = null] = ctx.params;
  const page = new JournalFrame(root, ctx);
  if (section === 'entries' && id) return entry(page, id);
  if (section === 'entries') return entries(page);
  if (section === 'goals') return goals(page);
  return checkIn(page);
}
