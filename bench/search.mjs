// Search benchmark: index size against the text it indexes, and query latency p50/p95 over a
// fixed list of queries, on the real English course and on a generated course of 1,000 pages.
// Figures go to stdout and to bench/search.json. Run with `npm run bench:search`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { glossaryDocs, moduleDocs } from '../src/search/documents.ts';
import { buildSearchBundle } from '../src/search/index-builder.ts';
import { createSearcher } from '../src/search/query.ts';
import { readMdx, readYaml, repoRoot } from '../tests/helpers/course-files.ts';

const QUERIES = [
  'focal point',
  'referral',
  'refer a child',
  'UNICEF',
  'six grave violations',
  'action plans',
  'country task force',
  'Paris Principles',
  'recruitment and use of children',
  'checkpoint',
  'detention',
  'monitoring and reporting',
  'CPA',
  'abduction',
  'sexual violence',
  'focal',
  'xyzzy',
  '*',
];
const ROUNDS = 50;

function courseDocs() {
  const modules = readMdx('modules', 'en').flatMap(({ data, body }) =>
    moduleDocs({ ...data, body }, `/en/modules/${data.id}/`),
  );
  const terms = readYaml('glossary', 'en').map(({ file, data }) => ({
    id: file.replace(/^.*\/|\.yaml$/g, ''),
    ...data,
  }));
  return [...modules, ...glossaryDocs(terms, '/en/glossary/', 'Glossary')];
}

/** A deterministic generated course: pages built from the real course's words, reshuffled. */
function generatedDocs(pages, source) {
  const words = source.flatMap((doc) => doc.body.split(' ')).filter(Boolean);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]);
  return Array.from({ length: pages }, (_, i) => ({
    id: `/en/generated/${i}/`,
    kind: 'section',
    title: pick(5).join(' '),
    heading: pick(4).join(' '),
    body: pick(250).join(' '),
    url: `/en/generated/${i}/`,
  }));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function measure(name, docs) {
  const started = performance.now();
  const bundle = buildSearchBundle('en', docs);
  const buildMs = performance.now() - started;
  const json = JSON.stringify(bundle);
  const text = docs.map((d) => `${d.title} ${d.heading} ${d.body}`).join('\n');
  const searcher = createSearcher(JSON.parse(json));
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const query of QUERIES) {
      const t0 = performance.now();
      searcher.search(query);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return {
    name,
    documents: docs.length,
    textBytes: Buffer.byteLength(text),
    textGzip: gzipSync(text).length,
    indexBytes: Buffer.byteLength(json),
    indexGzip: gzipSync(json).length,
    buildMs: Math.round(buildMs),
    queries: times.length,
    p50Ms: Number(quantile(times, 0.5).toFixed(3)),
    p95Ms: Number(quantile(times, 0.95).toFixed(3)),
    maxMs: Number(times[times.length - 1].toFixed(3)),
  };
}

const real = courseDocs();
const results = [
  measure('English course', real),
  measure('generated, 1,000 pages', generatedDocs(1000, real)),
];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const r of results) {
  console.log(
    `${r.name}: ${r.documents} documents; text ${kb(r.textBytes)} (${kb(r.textGzip)} gzip); ` +
      `index ${kb(r.indexBytes)} (${kb(r.indexGzip)} gzip), built in ${r.buildMs} ms; ` +
      `query p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, max ${r.maxMs} ms over ${r.queries} queries`,
  );
}
const out = join(repoRoot, 'bench/search.json');
writeFileSync(
  out,
  JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2) + '\n',
);
console.log('written to bench/search.json');
