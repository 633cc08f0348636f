// Writes src/content/checks/seed-runs.bin: the hashes of every normalised 12-word run of the UN
// source texts in ../shared/seeds, which the build's seed-overlap check compares the course with.
// The seeds stay out of the repository; the hashes let a clone anywhere run the same check.
//
//   npm run seeds:hash              reads ../shared/seeds (or SEEDS_DIR), writes the file
//
// Run it after the seeds, the normalisation or the allowed names change, and commit the file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  encodeSeedIndex,
  SEED_HASHES_FILE,
  listSeedFiles,
} from '../src/content/checks/seed-overlap.ts';

const root = path.resolve(import.meta.dirname, '..');
const seedsDir = path.resolve(root, process.env.SEEDS_DIR ?? '../shared/seeds');

if (!existsSync(seedsDir)) {
  console.error(
    `No seeds at ${seedsDir}: nothing to hash. The committed ${SEED_HASHES_FILE} stays as it is.`,
  );
  process.exit(1);
}
const files = listSeedFiles(seedsDir);
const bytes = encodeSeedIndex(files.map((file) => readFileSync(file, 'utf8')));
const out = path.join(root, SEED_HASHES_FILE);
writeFileSync(out, bytes);
console.log(
  `${SEED_HASHES_FILE}: ${bytes.length / 8} runs from ${files.length} seed files, ${bytes.length} bytes`,
);
