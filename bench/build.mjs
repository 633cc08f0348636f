// Build benchmark: generates a course of N modules (the real modules in rotation, both languages,
// each with its quiz, trainer notes and trainer kit, ids made unique: bench/generate-course.mjs)
// in a temporary copy of the project, builds it, and reports the build time, the precompress
// step's time, the number of pages and the search index size per language. With --starlight it
// also builds the same text as a Starlight docs site, installed in its own temporary folder (never
// in this project's dependencies), and prints both times and their ratio. The two builds take
// turns run by run, so that on a shared machine both meet the same load; the load average before
// each run and after the last is recorded with the times, and so is each build's CPU time (user
// and system, every thread, from GNU time), which the load moves far less.
//
// What Starlight gets (--starlight-text): `course` (the default) is the whole text our build
// renders, page for page: per module and language the module, its trainer notes (with the module
// text, as our trainer view shows them), and its trainer kit as six pages as ours has (overview,
// slides, presenter, cards, handouts, answers), each with the kit's text for that view. `modules`
// is the module pages alone (about one page in eight of ours), as the first comparisons were made.
//
//   npm run bench:build                      100 modules (median of 3) and 1,000 modules (1 run)
//   npm run bench:build -- --modules 100,500 --runs 3 --starlight
//   npm run bench:build -- --modules 100 --starlight --starlight-text modules
//
// Figures go to stdout and to bench/build.json.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { load as loadYaml } from 'js-yaml';
import { generateCourse, generated, LANGS, realModules } from './generate-course.mjs';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string', default: '100,1000' },
    // Runs per size; sizes of 1,000 modules and more run once unless --runs says otherwise.
    runs: { type: 'string' },
    starlight: { type: 'boolean', default: false },
    'starlight-text': { type: 'string', default: 'course' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = args.modules.split(',').map(Number);
const starlightText = args['starlight-text'];
if (starlightText !== 'course' && starlightText !== 'modules') {
  throw new Error(`--starlight-text is course or modules, not ${starlightText}`);
}

/** The median of a list of numbers. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runsFor(size) {
  if (args.runs !== undefined) return Number(args.runs);
  return size >= 1000 ? 1 : 3;
}

/** Copies what a build needs into a fresh folder; node_modules is linked, not copied. */
function copyProject(root) {
  for (const file of ['astro.config.mjs', 'tsconfig.json', 'package.json']) {
    cpSync(join(repo, file), join(root, file));
  }
  // Copies, not links: Vite resolves links to their real path and would leave the copy's root.
  for (const folder of ['src', 'integrations', 'public', 'content', 'assessments']) {
    cpSync(join(repo, folder), join(root, folder), { recursive: true });
  }
  // A real node_modules of links, not one link: Astro keeps its content cache in
  // node_modules/.astro, and the copy must neither reuse nor clear the repository's.
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(join(repo, 'node_modules'))) {
    if (entry !== '.astro')
      symlinkSync(join(repo, 'node_modules', entry), join(root, 'node_modules', entry));
  }
}

/** GNU time, when the machine has it: gives a build's CPU time, which a busy machine barely moves. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs `astro build` in a folder; returns the wall time in ms, the CPU time in ms (user and system,
 * every thread; null without GNU time) and what it printed.
 */
async function astroBuild(root) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  rmSync(join(root, 'node_modules/.astro'), { recursive: true, force: true });
  const build = [process.execPath, join(root, 'node_modules/astro/bin/astro.mjs'), 'build'];
  const [command, ...commandArgs] =
    GNU_TIME === undefined ? build : [GNU_TIME, '-f', 'cpu-seconds %U %S', ...build];
  const started = performance.now();
  const { stdout, stderr } = await run(command, commandArgs, {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const cpu = /cpu-seconds ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  const cpuMs = cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 1000) : null;
  return { ms, cpuMs, output: stdout + stderr };
}

/** The precompress step's own time, from the line the integration logs. */
function precompressMs(output) {
  const match = /\[cp-precompress\].* in (\d+) ms/.exec(output);
  return match ? Number(match[1]) : null;
}

/** The content checks' own time, from the line their integration logs. */
function checksMs(output) {
  const match = /\[cp-content-checks\].* in (\d+) ms/.exec(output);
  return match ? Number(match[1]) : null;
}

/**
 * When the checks' worker had its answer, from the start of the build: while this is shorter than
 * Astro's own content sync and bundling, the checks cost the build no time.
 */
function checksReadyMs(output) {
  const match = /\[cp-content-checks\].* ready (\d+) ms after/.exec(output);
  return match ? Number(match[1]) : null;
}

/** How many pages Astro rendered, from the line it ends a build with. */
function pageCount(output) {
  const match = /(\d+) page\(s\) built/.exec(output);
  return match ? Number(match[1]) : null;
}

function searchIndexSizes(root) {
  const sizes = {};
  for (const lang of LANGS) {
    const file = join(root, 'dist', lang, 'search-index.json');
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    sizes[lang] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return sizes;
}

// Starlight: the same module text as Markdown pages of a docs site in English and French.

const STARLIGHT_DIR = join(tmpdir(), 'cp-bench-starlight');

/** Installs Astro (our version) and Starlight once in a temporary folder, reused by later runs. */
async function installStarlight() {
  const astroVersion = JSON.parse(
    readFileSync(join(repo, 'node_modules/astro/package.json'), 'utf8'),
  ).version;
  const marker = join(STARLIGHT_DIR, `installed-${astroVersion}`);
  if (existsSync(marker)) return;
  rmSync(STARLIGHT_DIR, { recursive: true, force: true });
  mkdirSync(STARLIGHT_DIR, { recursive: true });
  writeFileSync(
    join(STARLIGHT_DIR, 'package.json'),
    JSON.stringify({ name: 'cp-bench-starlight', private: true, type: 'module' }),
  );
  console.log(`installing astro@${astroVersion} and @astrojs/starlight in ${STARLIGHT_DIR}`);
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', `astro@${astroVersion}`, '@astrojs/starlight'],
    {
      cwd: STARLIGHT_DIR,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  writeFileSync(marker, '');
}

/** The module as plain Markdown: frontmatter reduced to a title, MDX components to their text. */
function toMarkdown(text) {
  const title = /^title: (.*)$/m.exec(text)?.[1] ?? 'Module';
  const body = text
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^(import|export) .*$/gm, '')
    .replace(/<\/?[A-Z][^>]*>/g, '');
  return `---\ntitle: ${JSON.stringify(title.replace(/^['"]|['"]$/g, ''))}\n---\n${body}`;
}

/** A YAML value's strings as Markdown paragraphs, one a line, keys and syntax left out. */
function yamlText(value) {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(yamlText);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(yamlText);
  return [];
}

/** The kit's views as our site has them, each with the parts of the kit it shows. */
const KIT_VIEWS = {
  index: ['objectives', 'materials', 'plan'],
  slides: ['slides'],
  presenter: ['slides'],
  cards: ['cards'],
  handouts: ['handouts'],
  answers: ['cards', 'discussion'],
};

/** A Markdown page of a title and paragraphs. */
function page(title, paragraphs) {
  return `---\ntitle: ${JSON.stringify(title)}\n---\n\n${paragraphs.join('\n\n')}\n`;
}

/** The pages of one generated module for Starlight: file name (no extension) to Markdown. */
function starlightPages(generatedModule) {
  const { id, module, notes, kit } = generatedModule;
  const pages = { [`modules/${id}`]: toMarkdown(module) };
  if (starlightText === 'modules') return pages;
  if (notes !== undefined) {
    pages[`trainer/${id}`] =
      `${toMarkdown(module)}\n\n## Trainer notes\n\n${toMarkdown(notes).replace(/^---\n[\s\S]*?\n---\n/, '')}`;
  }
  if (kit !== undefined) {
    const data = loadYaml(kit);
    for (const [view, parts] of Object.entries(KIT_VIEWS)) {
      pages[`kits/${id}/${view}`] = page(
        `${id} ${view}`,
        parts.flatMap((part) => yamlText(data[part]).map((line) => line.replace(/[<>{}]/g, ' '))),
      );
    }
  }
  return pages;
}

/** Writes the Starlight site of a course size; returns its root. */
async function prepareStarlight(size) {
  await installStarlight();
  // The site lives beside its own node_modules: through a link, Vite would resolve Starlight's
  // virtual modules from outside the root and fail.
  const root = STARLIGHT_DIR;
  rmSync(join(root, 'src'), { recursive: true, force: true });
  mkdirSync(join(root, 'src/content/docs'), { recursive: true });
  writeFileSync(
    join(root, 'astro.config.mjs'),
    `import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
export default defineConfig({
  integrations: [starlight({
    title: 'Child protection',
    defaultLocale: 'en',
    locales: { en: { label: 'English' }, fr: { label: 'Français', lang: 'fr' } },
    // The modules in the sidebar, as our course page lists them; the trainer pages and kits are
    // reached from their module, as in our trainer view. Listed in the sidebar, every one of the
    // course's pages would sit on every page: a site of n pages would render n × n links.
    sidebar: [{ label: 'Modules', items: [{ autogenerate: { directory: 'modules' } }] }],
  })],
});
`,
  );
  writeFileSync(
    join(root, 'src/content.config.ts'),
    `import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };
`,
  );
  for (const lang of LANGS) {
    const real = realModules(lang);
    const dir = join(root, 'src/content/docs', lang);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.md'), '---\ntitle: Course\n---\n\nThe course.\n');
    for (let i = 0; i < size; i += 1) {
      for (const [name, text] of Object.entries(starlightPages(generated(real, i)))) {
        mkdirSync(dirname(join(dir, `${name}.md`)), { recursive: true });
        writeFileSync(join(dir, `${name}.md`), text);
      }
    }
  }
  return root;
}

/** The load average over the last minute, as the machine reports it, rounded. */
const load = () => Number(loadavg()[0].toFixed(1));

const results = [];
for (const size of sizes) {
  const runs = runsFor(size);
  const root = mkdtempSync(join(tmpdir(), 'cp-bench-build-'));
  try {
    copyProject(root);
    generateCourse(root, size);
    const starlightRoot = args.starlight ? await prepareStarlight(size) : undefined;
    const builds = [];
    const starlightTimes = [];
    const starlightCpu = [];
    const loads = [];
    let starlightPageCount = null;
    // Ours and Starlight take turns, run by run, so that both meet the same load on a shared machine.
    for (let r = 0; r < runs; r += 1) {
      loads.push(load());
      const build = await astroBuild(root);
      builds.push({
        ms: build.ms,
        cpuMs: build.cpuMs,
        precompressMs: precompressMs(build.output),
        checksMs: checksMs(build.output),
        checksReadyMs: checksReadyMs(build.output),
        pages: pageCount(build.output),
      });
      console.log(
        `${size} modules, run ${r + 1}/${runs}: build ${(build.ms / 1000).toFixed(1)} s (CPU ${((build.cpuMs ?? 0) / 1000).toFixed(1)} s), precompress ${precompressMs(build.output)} ms, checks ${checksMs(build.output)} ms (load ${loads.at(-1)})`,
      );
      if (starlightRoot !== undefined) {
        const starlight = await astroBuild(starlightRoot);
        starlightPageCount = pageCount(starlight.output);
        starlightTimes.push(starlight.ms);
        starlightCpu.push(starlight.cpuMs ?? 0);
        console.log(
          `${size} modules, Starlight run ${r + 1}/${runs}: ${(starlight.ms / 1000).toFixed(1)} s (CPU ${((starlight.cpuMs ?? 0) / 1000).toFixed(1)} s)`,
        );
      }
    }
    loads.push(load());
    const result = {
      modules: size,
      languages: LANGS.length,
      runs,
      loadAverage: loads,
      buildMs: Math.round(median(builds.map((build) => build.ms))),
      buildMsRuns: builds.map((build) => Math.round(build.ms)),
      cpuMs: median(builds.map((build) => build.cpuMs ?? 0)),
      precompressMs: median(builds.map((build) => build.precompressMs ?? 0)),
      checksMs: median(builds.map((build) => build.checksMs ?? 0)),
      checksReadyMs: median(builds.map((build) => build.checksReadyMs ?? 0)),
      pages: builds[0]?.pages ?? null,
      searchIndexBytes: searchIndexSizes(root),
    };
    const sizesText = Object.entries(result.searchIndexBytes)
      .map(
        ([lang, bytes]) =>
          `${lang} ${(bytes.raw / 1e6).toFixed(1)} MB (gzip ${(bytes.gzip / 1e6).toFixed(2)} MB)`,
      )
      .join(', ');
    console.log(`${size} modules: search index ${sizesText}`);
    if (starlightRoot !== undefined) {
      result.starlightText = starlightText;
      result.starlightPages = starlightPageCount;
      result.starlightMs = Math.round(median(starlightTimes));
      result.starlightMsRuns = starlightTimes.map(Math.round);
      result.ratio = Number((result.buildMs / result.starlightMs).toFixed(2));
      result.starlightCpuMs = median(starlightCpu);
      result.cpuRatio = Number((result.cpuMs / result.starlightCpuMs).toFixed(2));
      console.log(
        `${size} modules: ours ${(result.buildMs / 1000).toFixed(1)} s (${result.pages} pages), Starlight ${(result.starlightMs / 1000).toFixed(1)} s (${result.starlightPages} pages, text: ${starlightText}), ratio ${result.ratio} (CPU time ratio ${result.cpuRatio})`,
      );
    }
    console.log(JSON.stringify(result));
    results.push(result);
  } finally {
    if (args.keep) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

const out = join(repo, 'bench/build.json');
const previous =
  existsSync(out) && statSync(out).isFile() ? JSON.parse(readFileSync(out, 'utf8')) : {};
writeFileSync(
  out,
  `${JSON.stringify(
    {
      ...previous,
      measuredAt: new Date().toISOString(),
      node: process.version,
      command: `node bench/build.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${out}`);
