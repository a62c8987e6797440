// Runs the PWA's own personal-details check (pwa/js/details-check.js) in Node:
//   node --experimental-default-type=module details_check.mjs vocabulary.json < texts.jsonl
// prints, for each text (one JSON string a line), a JSON array of the rules found.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { compileDetails, checkDetails } = await import(`${here}../../pwa/js/details-check.js`);

const vocab = compileDetails(JSON.parse(readFileSync(process.argv[2], 'utf8')));
if (!vocab) throw new Error('the vocabulary did not compile');
const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.trim());
for (const line of lines) {
  const found = checkDetails(vocab, JSON.parse(line));
  console.log(JSON.stringify(found ? found.rules : []));
}
