// Page weight benchmark: builds the site, then reports for every page the HTML and the JavaScript
// it loads (inline scripts, script files, island components and renderers, and their static
// imports), raw and gzip, twice: for a visitor (what the page loads) and for an enrolled learner
// (that, plus the chunks the page imports on demand: the tracking status and the sender, which
// load for a learner with a credential and on the first send, on every page that shows the
// status (all but search), and on the search page the search index's code). The one dynamic import a learner never triggers is the Preact renderer's import
// of @preact/signals, which runs only for an island given a signal prop (data-preact-signals).
// Every learner page must stay within the budget for an enrolled learner; staff pages are
// reported but not held to it. Figures go to stdout and to bench/page-size.json; a learner page
// over the budget is marked OVER and the script exits with 1.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
/** Budget for the JavaScript of any learner page for an enrolled learner, gzip, one gzip per file. */
const LEARNER_PAGE_BUDGET = 25 * 1024;

if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const gzip = (buffer) => gzipSync(buffer).length;

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return htmlFiles(full);
    return name.endsWith('.html') ? [full] : [];
  });
}

/** Resolves a URL path found in a page or script to a file in dist/. */
function toFile(url, fromFile) {
  if (/^(https?:)?\/\//.test(url)) return undefined;
  const path = url.startsWith('/') ? join(dist, url) : resolve(dirname(fromFile), url);
  return path.split('?')[0];
}

/** Static and dynamic imports of a JavaScript file. */
function importsOf(file) {
  const code = readFileSync(file, 'utf8');
  const staticImports = [
    ...code.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["'`]([^"'`]+\.js)["'`]/g),
  ];
  const dynamicImports = [...code.matchAll(/import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g)];
  return {
    staticFiles: staticImports.map((m) => toFile(m[1], file)).filter(Boolean),
    dynamicFiles: dynamicImports.map((m) => toFile(m[1], file)).filter(Boolean),
  };
}

function measurePage(file) {
  const html = readFileSync(file, 'utf8');
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => m[1])
    .join('\n');
  const entries = [
    ...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/\b(?:component-url|renderer-url)="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => toFile(m[1], file));
  const signals = html.includes('data-preact-signals');
  // The files loaded at once, then with those an enrolled learner loads on demand (and theirs).
  const loaded = closure(entries.filter(Boolean), () => false);
  const enrolled = closure(entries.filter(Boolean), (f) => signals || !isSignals(f));
  const inlineGzip = inline ? gzip(Buffer.from(inline)) : 0;
  const sizes = (files) => {
    const buffers = [...files].map((f) => readFileSync(f));
    // One gzip per file, as a browser downloads them.
    return {
      raw: buffers.reduce((sum, b) => sum + b.length, 0),
      gzip: buffers.reduce((sum, b) => sum + gzip(b), 0),
    };
  };
  const now = sizes(loaded);
  const later = sizes([...enrolled].filter((f) => !loaded.has(f)));
  return {
    page: '/' + relative(dist, file).replace(/index\.html$/, ''),
    htmlRaw: Buffer.byteLength(html),
    htmlGzip: gzip(Buffer.from(html)),
    jsRaw: Buffer.byteLength(inline) + now.raw,
    jsGzip: inlineGzip + now.gzip,
    jsFiles: loaded.size + (inline ? 1 : 0),
    onDemandGzip: later.gzip,
    enrolledJsGzip: inlineGzip + now.gzip + later.gzip,
    enrolledJsFiles: enrolled.size + (inline ? 1 : 0),
  };
}

/** @preact/signals, which the Preact renderer imports only for an island given signal props. */
function isSignals(file) {
  return readFileSync(file, 'utf8').includes('preact-signals');
}

/** Files reachable from `start` by static imports, and by the dynamic imports `follow` accepts. */
function closure(start, follow) {
  const found = new Set();
  const queue = [...start];
  while (queue.length > 0) {
    const next = queue.pop();
    if (found.has(next)) continue;
    found.add(next);
    const { staticFiles, dynamicFiles } = importsOf(next);
    queue.push(...staticFiles, ...dynamicFiles.filter(follow));
  }
  return found;
}

const pages = htmlFiles(dist)
  .map(measurePage)
  .sort((a, b) => a.page.localeCompare(b.page));
const kb = (n) => (n / 1024).toFixed(1);
console.log(
  'page'.padEnd(52),
  'html raw',
  'html gz',
  ' js raw',
  '  js gz',
  'on demand gz',
  'enrolled gz',
);
for (const p of pages) {
  console.log(
    p.page.padEnd(52),
    kb(p.htmlRaw).padStart(8),
    kb(p.htmlGzip).padStart(7),
    kb(p.jsRaw).padStart(7),
    kb(p.jsGzip).padStart(7),
    kb(p.onDemandGzip).padStart(12),
    kb(p.enrolledJsGzip).padStart(11),
  );
}

/** The kind of page: its path with the language and the last part generalised. */
const pageType = (page) =>
  page
    .replace(/^\/\w\w\//, '/[lang]/')
    .replace(/^(\/\[lang\]\/(?:modules|trainer\/modules|assessment)\/)[^/]+\/$/, '$1[id]/');
const types = new Map();
for (const p of pages) {
  const type = pageType(p.page);
  const worst = types.get(type);
  if (!worst || p.enrolledJsGzip > worst.enrolledJsGzip) types.set(type, p);
}
// Learner pages: all but the staff tools (which sign in apart and are not held to the budget).
const isLearnerPage = (type) => !type.startsWith('/[lang]/staff/');
console.log('\nper page type, the largest in either language (KB gzip):');
console.log('page type'.padEnd(40), 'visitor', 'enrolled', 'files');
for (const [type, p] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
  const over = isLearnerPage(type) && p.enrolledJsGzip > LEARNER_PAGE_BUDGET ? '  OVER' : '';
  console.log(
    type.padEnd(40),
    kb(p.jsGzip).padStart(7),
    kb(p.enrolledJsGzip).padStart(8),
    String(p.enrolledJsFiles).padStart(5) + over,
  );
}
const learnerPages = pages.filter((p) => isLearnerPage(pageType(p.page)));
const worst = learnerPages.reduce((max, p) => (p.enrolledJsGzip > max.enrolledJsGzip ? p : max));
const within = worst.enrolledJsGzip <= LEARNER_PAGE_BUDGET;
console.log(
  `\nlearner pages: ${learnerPages.length}; largest JavaScript for an enrolled learner ${kb(worst.enrolledJsGzip)} KB gzip (${worst.page}); budget ${kb(LEARNER_PAGE_BUDGET)} KB: ${within ? 'within' : 'OVER'}`,
);
const out = join(root, 'bench/page-size.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      unit: 'bytes',
      budgetLearnerPageEnrolledJsGzip: LEARNER_PAGE_BUDGET,
      largestLearnerPage: worst.page,
      types: Object.fromEntries(
        [...types].map(([type, p]) => [
          type,
          { page: p.page, visitorJsGzip: p.jsGzip, enrolledJsGzip: p.enrolledJsGzip },
        ]),
      ),
      pages,
    },
    null,
    2,
  ) + '\n',
);
console.log(`written to ${relative(root, out)}`);
if (!within) process.exitCode = 1;
