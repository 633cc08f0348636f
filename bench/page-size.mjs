// Page weight benchmark: builds the site, then reports for every page the HTML and the JavaScript
// it loads (inline scripts, script files, island components and renderers, and their static
// imports), raw and gzip. Figures go to stdout and to bench/page-size.json. Dynamic imports are
// reported apart, as "on demand": they load only when a learner triggers them (such as search).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
/** Budget for a module page's JavaScript, gzip (the brief's bar is 35 KB; the team aims at 25). */
const MODULE_PAGE_BUDGET = 25 * 1024;

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
  const loaded = new Set();
  const onDemand = new Set();
  const queue = entries.filter(Boolean);
  while (queue.length > 0) {
    const next = queue.pop();
    if (loaded.has(next)) continue;
    loaded.add(next);
    const { staticFiles, dynamicFiles } = importsOf(next);
    queue.push(...staticFiles);
    dynamicFiles.forEach((f) => onDemand.add(f));
  }
  loaded.forEach((f) => onDemand.delete(f));
  const scripts = [...loaded].map((f) => readFileSync(f));
  const jsRaw = Buffer.byteLength(inline) + scripts.reduce((sum, b) => sum + b.length, 0);
  // One gzip per file, as a browser downloads them.
  const jsGzip =
    (inline ? gzip(Buffer.from(inline)) : 0) + scripts.reduce((sum, b) => sum + gzip(b), 0);
  const lazy = [...onDemand].map((f) => readFileSync(f));
  return {
    page: '/' + relative(dist, file).replace(/index\.html$/, ''),
    htmlRaw: Buffer.byteLength(html),
    htmlGzip: gzip(Buffer.from(html)),
    jsRaw,
    jsGzip,
    jsFiles: loaded.size + (inline ? 1 : 0),
    onDemandGzip: lazy.reduce((sum, b) => sum + gzip(b), 0),
  };
}

const pages = htmlFiles(dist)
  .map(measurePage)
  .sort((a, b) => a.page.localeCompare(b.page));
const kb = (n) => (n / 1024).toFixed(1);
console.log('page'.padEnd(48), 'html raw', 'html gz', ' js raw', '  js gz', 'on demand gz');
for (const p of pages) {
  console.log(
    p.page.padEnd(48),
    kb(p.htmlRaw).padStart(8),
    kb(p.htmlGzip).padStart(7),
    kb(p.jsRaw).padStart(7),
    kb(p.jsGzip).padStart(7),
    kb(p.onDemandGzip).padStart(12),
  );
}
const modulePages = pages.filter((p) => /^\/\w\w\/modules\//.test(p.page));
const worst = modulePages.reduce((max, p) => Math.max(max, p.jsGzip), 0);
console.log(
  `\nmodule pages: ${modulePages.length}; largest JavaScript ${kb(worst)} KB gzip; budget ${kb(MODULE_PAGE_BUDGET)} KB: ${worst <= MODULE_PAGE_BUDGET ? 'within' : 'OVER'}`,
);
const out = join(root, 'bench/page-size.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      unit: 'bytes',
      budgetModulePageJsGzip: MODULE_PAGE_BUDGET,
      pages,
    },
    null,
    2,
  ) + '\n',
);
console.log(`written to ${relative(root, out)}`);
