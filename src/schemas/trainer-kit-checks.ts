import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The ids of a kit that must be the same, in the same order, in every language. */
const ID_LISTS = ['slides', 'cards', 'handouts', 'discussion'] as const;

interface KitIds {
  module?: unknown;
  lang?: unknown;
  slides?: { id?: unknown }[];
  cards?: { id?: unknown }[];
  handouts?: { id?: unknown }[];
  discussion?: { id?: unknown }[];
}

/**
 * Checks across the session kits of content/trainer-kits/ that one file's schema cannot see: the
 * file is named after its module and sits in its language's folder, the module exists in that
 * language, and a module's kits in two languages have the same slide, card, handout and discussion
 * ids in the same order (so a trainer who switches language keeps their place). Returns one
 * message per problem, naming the file.
 */
export function checkTrainerKits(contentRoot: string): string[] {
  const kitsDir = path.join(contentRoot, 'trainer-kits');
  if (!existsSync(kitsDir)) return [];
  const problems: string[] = [];
  const byModule = new Map<string, { file: string; kit: KitIds }[]>();
  for (const lang of readdirSync(kitsDir).sort()) {
    const langDir = path.join(kitsDir, lang);
    for (const name of readdirSync(langDir)
      .filter((n) => n.endsWith('.yaml'))
      .sort()) {
      const file = `trainer-kits/${lang}/${name}`;
      const kit = parse(readFileSync(path.join(langDir, name), 'utf8')) as KitIds;
      const id = name.replace(/\.yaml$/, '');
      if (kit.module !== id)
        problems.push(`${file}: module is "${String(kit.module)}", not "${id}"`);
      if (kit.lang !== lang) problems.push(`${file}: lang is "${String(kit.lang)}", not "${lang}"`);
      if (!existsSync(path.join(contentRoot, 'modules', lang, `${id}.mdx`))) {
        problems.push(`${file}: there is no module content/modules/${lang}/${id}.mdx`);
      }
      byModule.set(id, [...(byModule.get(id) ?? []), { file, kit }]);
    }
  }
  for (const kits of byModule.values()) {
    const [first, ...others] = kits;
    if (first === undefined) continue;
    for (const other of others) {
      for (const list of ID_LISTS) {
        const ids = (kit: KitIds) => (kit[list] ?? []).map((item) => String(item.id)).join(', ');
        if (ids(first.kit) !== ids(other.kit)) {
          problems.push(
            `${other.file}: ${list} ids [${ids(other.kit)}] differ from ${first.file} [${ids(first.kit)}] (same ids, same order)`,
          );
        }
      }
    }
  }
  return problems;
}
