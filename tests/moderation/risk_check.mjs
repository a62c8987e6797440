// Runs the PWA's own on-phone risk check (pwa/js/risk-check.js) under Node, so a test can
// compare it with the server's moderation.assess on the same texts.
//
//   node --experimental-detect-module risk_check.mjs vocabulary.json < texts.jsonl
// (one JSON string per line) prints, for each text, a JSON array of the categories found.

import { readFileSync } from "node:fs";
import { compileVocabulary, checkText } from "../../pwa/js/risk-check.js";

const vocab = compileVocabulary(JSON.parse(readFileSync(process.argv[2], "utf8")));
const lines = readFileSync(0, "utf8").split("\n").filter((l) => l.trim());
const out = [];
for (const line of lines) {
  const found = checkText(vocab, JSON.parse(line));
  out.push(JSON.stringify(found ? found.categories : []));
}
process.stdout.write(out.join("\n") + "\n");
