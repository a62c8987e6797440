// Reference JavaScript implementation of the on-phone risk check (private journal).
// It uses only the JSON from moderation.risk_vocabulary(); the PWA can copy riskCheck().
//
//   node risk_check.mjs vocabulary.json < texts.jsonl   (one JSON string per line)
// prints, for each text, a JSON array of the categories found.

import { readFileSync } from "node:fs";

export function compileVocabulary(vocab) {
  const byStep = Object.fromEntries(vocab.normalise.steps.map((s) => [s.step, s]));
  const leet = byStep.leet;
  return {
    map: byStep.map_characters.map,
    token: new RegExp(leet.token, "g"),
    letter: new RegExp(leet.only_if_token_matches),
    skip: new RegExp(`^(?:${leet.skip_if_token_is})$`),
    leetMap: leet.map,
    separator: new RegExp(byStep.replace.pattern, byStep.replace.flags),
    spaced: new RegExp(vocab.normalise.spaced_letters.pattern, vocab.normalise.spaced_letters.flags),
    categories: Object.entries(vocab.categories).map(([name, c]) => ({
      name,
      patterns: c.patterns.map((p) => new RegExp(p.source, vocab.flags)),
      allow: c.allow.map((src) => new RegExp(src, vocab.flags)),
    })),
  };
}

export function normalise(text, v) {
  let s = text.normalize("NFKC").toLowerCase();
  s = Array.from(s, (c) => v.map[c] ?? c).join("");
  s = s.normalize("NFD").replace(/\p{M}/gu, "").replace(/\p{Cf}/gu, "");
  s = s.replace(v.token, (t) =>
    v.letter.test(t) && !v.skip.test(t) ? Array.from(t, (c) => v.leetMap[c] ?? c).join("") : t);
  return s.replace(v.separator, " ");
}

function spans(re, s) {
  re.lastIndex = 0;
  return Array.from(s.matchAll(re), (m) => [m.index, m.index + m[0].length]);
}

export function riskCheck(text, v) {
  const s = normalise(text, v);
  const variants = [s, s.replace(v.spaced, (m) => m.replace(/ /g, ""))];
  const found = [];
  for (const c of v.categories) {
    const hit = variants.some((t) => {
      const allowed = c.allow.flatMap((re) => spans(re, t));
      return c.patterns.some((re) =>
        spans(re, t).some(([a, b]) => !allowed.some(([x, y]) => x <= a && b <= y)));
    });
    if (hit) found.push(c.name);
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const v = compileVocabulary(JSON.parse(readFileSync(process.argv[2], "utf8")));
  const lines = readFileSync(0, "utf8").split("\n").filter((l) => l.trim());
  for (const line of lines) console.log(JSON.stringify(riskCheck(JSON.parse(line), v)));
}
