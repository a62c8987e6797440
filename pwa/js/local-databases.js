// The IndexedDB databases Waymark keeps on a phone, by name: here on their own, so log-out
// (session.js) can name them without loading the modules that use them on every start.
// Quick exit (quick-exit.js) keeps its own copy of the last two: it imports nothing.

/** The journal's offline outbox (outbox.js): kept on log-out, sealed. */
export const OUTBOX_DB = 'waymark-outbox';
/** The phone's journal keys (device-key.js): deleted on log-out. */
export const KEYS_DB = 'waymark-keys';
/** Journal entries saved for reading offline (journal-saved.js): deleted on log-out. */
export const SAVED_DB = 'waymark-journal-saved';
