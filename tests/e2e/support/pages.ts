import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../../../dist');

/** Every HTML page of the built site, as the path a browser asks for (the root redirect aside). */
export function builtPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return walk(dist)
    .filter((file) => file.endsWith('.html'))
    .map((file) => `/${relative(dist, file).split('\\').join('/')}`.replace(/index\.html$/, ''))
    .filter((path) => path !== '/')
    .sort();
}
