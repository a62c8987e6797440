// Journal entries saved on the phone for reading offline: the newest page the journal last
// loaded (at most 20 entries), SEALED with the phone's journal key (./device-key.js) in
// IndexedDB "waymark-journal-saved". Log-out and Quick exit delete the database and the key;
// without the key a copy left behind can't be read. See docs/journal-encryption.md.

import { inStore, openDatabase, seal, unseal } from './device-key.js';
import { SAVED_DB } from './local-databases.js';

const STORE = 'saved';
const KEY = 'entries';

const openDb = () => openDatabase(SAVED_DB, (db) => db.createObjectStore(STORE));

/** Keep {shown, total, saved_at} sealed for offline reading. Quietly does nothing without a key. */
export async function saveEntries(page) {
  try {
    const sealed = await seal({ ...page, saved_at: new Date().toISOString() });
    await inStore(await openDb(), STORE, 'readwrite', (store) => store.put(sealed, KEY));
  } catch { /* no key or no IndexedDB: nothing is saved, the journal says so offline */ }
}

/** The saved page, or null when there is none this phone can open. */
export async function savedEntries() {
  try {
    return await unseal(await inStore(await openDb(), STORE, 'readonly', (store) => store.get(KEY)));
  } catch {
    return null;
  }
}
