import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The repository root, for tests that read the course files directly. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** A content file split into its YAML frontmatter and its body. */
export interface ContentFile<T> {
  file: string;
  data: T;
  body: string;
}

/** Reads every MDX file of a content folder and language, frontmatter parsed. */
export function readMdx<T>(folder: string, lang: string): ContentFile<T>[] {
  const dir = join(repoRoot, 'content', folder, lang);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`${folder}/${lang}/${name}: no frontmatter`);
      return {
        file: `content/${folder}/${lang}/${name}`,
        data: parse(match[1] ?? '') as T,
        body: match[2] ?? '',
      };
    });
}

/** Reads every YAML file of a content folder and language. */
export function readYaml<T>(folder: string, lang: string): ContentFile<T>[] {
  const dir = join(repoRoot, 'content', folder, lang);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({
      file: `content/${folder}/${lang}/${name}`,
      data: parse(readFileSync(join(dir, name), 'utf8')) as T,
      body: '',
    }));
}
