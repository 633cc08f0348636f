// Certificate PDF benchmark: the file's size and the time to make it, for a name in ASCII, names
// in Polish, Vietnamese, Russian and Greek, a name broken over two lines and one the font cannot
// print (the notice), in English and French. It calls certificatePdf directly (no HTTP, no
// database): the page, its two subset fonts and its QR code.
//
//   npm run bench:certificate [-- RUNS]      (default 31 runs per name; the median is kept)
//
// Figures go to stdout and to bench/certificate-pdf.json.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { certificatePdf, courseName } from '../src/server/platform/certification/pdf.ts';

const runs = Number(process.argv[2] ?? 31);
const NAMES = {
  ascii: 'John Smith',
  polish: 'Łukasz Wójcik',
  vietnamese: 'Nguyễn Thị Ánh',
  russian: 'Ольга Петрова',
  greek: 'Νίκος Παπαδόπουλος',
  twoLines: 'Maximiliano Alejandro Fernández de la Concepción Rodríguez-Villanueva y Ortiz',
  notice: 'محمد عبد الله',
};

const sheet = (name, lang) => ({
  lang,
  code: 'ABCD-EFGH-JKMN-PQRS',
  name,
  serviceNumber: 'SN-12345',
  country: lang === 'fr' ? 'Côte d’Ivoire' : 'Türkiye',
  trackTitle: lang === 'fr' ? 'Police des Nations Unies' : 'United Nations Police',
  issuedAt: '2026-12-03T10:00:00Z',
  expiresAt: '2028-12-03T10:00:00Z',
  verifyUrl: `https://peacekeeping.example.org/${lang}/verify/?code=ABCD-EFGH-JKMN-PQRS`,
  courseName: courseName(lang),
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const loadBefore = loadavg()[0];
// One certificate first, so that the first figure is not the module loading.
await certificatePdf(sheet('Warm Up', 'en'));
const results = [];
for (const [kind, name] of Object.entries(NAMES)) {
  for (const lang of ['en', 'fr']) {
    const times = [];
    let bytes = 0;
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      bytes = (await certificatePdf(sheet(name, lang))).length;
      times.push(performance.now() - start);
    }
    const ms = Math.round(median(times) * 10) / 10;
    results.push({ kind, lang, bytes, medianMs: ms });
    console.log(`${kind.padEnd(10)} ${lang}  ${String(bytes).padStart(6)} bytes  ${ms} ms`);
  }
}
const loadAverage = [loadBefore, loadavg()[0]].map((load) => Math.round(load * 10) / 10);
console.log(`load average (1 min) before and after: ${loadAverage.join(', ')}`);
writeFileSync(
  new URL('certificate-pdf.json', import.meta.url),
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.version,
      command: `npm run bench:certificate -- ${runs}`,
      machine: '2 cores shared with other builds and test runs; the load average is recorded.',
      runs,
      loadAverage,
      results,
    },
    null,
    2,
  )}\n`,
);
