// flatten.mjs: flattens a JSON-LD document with jsonld.js, for comparison
// with bench-jsonld-flatten.  Prints the same line format.
//
//   node flatten.mjs DOCUMENT.json [RUNS]

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import jsonld from 'jsonld';

const [path, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 1);

let start = performance.now();
const doc = JSON.parse(readFileSync(path, 'utf8'));
const parseMs = performance.now() - start;

const times = [];
let flattened = 0;
for (let i = 0; i < runs; i++) {
  start = performance.now();
  const result = await jsonld.flatten(doc);
  times.push(performance.now() - start);
  flattened = result.length;
}
times.sort((a, b) => a - b);

const nodes = doc['@graph'].length;
console.log(`nodes=${nodes} flattened=${flattened} parse_ms=${parseMs.toFixed(1)} ` +
            `flatten_ms=${times[Math.floor(runs / 2)].toFixed(1)} ` +
            `peak_rss_kb=${Math.round(process.resourceUsage().maxRSS)}`);
