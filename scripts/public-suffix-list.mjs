// Regenerates data/public-suffix-list.txt from a Public Suffix List rules file (one rule per
// line, comments allowed), e.g. the `data/rules.txt` the `psl` crate ships or the list from
// publicsuffix.org:   node scripts/public-suffix-list.mjs path/to/rules.txt
// Writes every rule in ASCII (punycode for internationalised labels), lowercased, deduplicated
// and sorted, so the engine can search it with a binary search and no start-up parsing.
import { readFileSync, writeFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';

const [source, out = 'data/public-suffix-list.txt'] = process.argv.slice(2);
if (!source) {
  console.error('usage: node scripts/public-suffix-list.mjs RULES_FILE [OUT]');
  process.exit(2);
}
const rules = new Set();
for (const raw of readFileSync(source, 'utf8').split('\n')) {
  const line = raw.trim().split(/\s/)[0];
  if (!line || line.startsWith('//')) continue;
  const [, mark = '', name] = /^(!|\*\.)?(.*)$/.exec(line);
  const ascii = name === '*' ? '*' : domainToASCII(name);
  if (!ascii) throw new Error(`cannot convert rule ${JSON.stringify(line)}`);
  rules.add(mark + ascii.toLowerCase());
}
const sorted = [...rules].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
writeFileSync(out, sorted.join('\n') + '\n');
console.log(`${out}: ${sorted.length} rules`);
