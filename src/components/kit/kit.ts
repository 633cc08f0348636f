import { getCollection, type CollectionEntry } from 'astro:content';
import { getModules, getTrainerNotes, type ModuleEntry } from '../../course/catalog.ts';
import enKit from '../../i18n/en/kit.json';
import frKit from '../../i18n/fr/kit.json';
import { format, type FormatParams } from '../../i18n/format.ts';
import { languages, localePath, type Lang } from '../../i18n/index.ts';

/** A key of the kit pages' strings (src/i18n/<lang>/kit.json). */
export type KitKey = keyof typeof enKit;

const strings: Record<Lang, Record<KitKey, string>> = { en: enKit, fr: frKit };

/** The translator of the kit pages. */
export function kitStrings(lang: Lang): (key: KitKey, params?: FormatParams) => string {
  return (key, params = {}) => format(strings[lang][key], params);
}

/** A kit page's props (from kitPaths or moduleKits) with the translator of its language. */
export function kitPage<P extends { lang: Lang }>(
  props: P,
): P & { t: ReturnType<typeof kitStrings> } {
  return { ...props, t: kitStrings(props.lang) };
}

/** A module's session kit entry. */
export type KitEntry = CollectionEntry<'trainerKits'>;

/** One module of a language with its kit and trainer notes, either of which may be missing. */
export interface ModuleKit {
  lang: Lang;
  module: ModuleEntry;
  kit: KitEntry | undefined;
  notes: CollectionEntry<'trainerNotes'> | undefined;
}

/** Every module of every language with its kit (if written) and notes, in course order. */
export async function moduleKits(): Promise<ModuleKit[]> {
  const kits = await getCollection('trainerKits');
  const found: ModuleKit[] = [];
  for (const lang of languages) {
    for (const module of await getModules(lang)) {
      const kit = kits.find((k) => k.data.lang === lang && k.data.module === module.data.id);
      const notes = await getTrainerNotes(lang, module.data.id);
      found.push({ lang, module, kit, notes });
    }
  }
  return found;
}

/** getStaticPaths of a page that exists for every module with a kit. */
export async function kitPaths() {
  return (await moduleKits()).flatMap((entry) =>
    entry.kit === undefined
      ? []
      : [
          {
            params: { lang: entry.lang, id: entry.module.data.id },
            props: { ...entry, kit: entry.kit },
          },
        ],
  );
}

/** The URL of a kit page: '' for the kit itself, or slides, presenter, handouts, cards, answers. */
export function kitPath(lang: Lang, moduleId: string, page = ''): string {
  return localePath(lang, `trainer/kits/${moduleId}/${page}`);
}

/** "h:mm" for a number of minutes from the start of the session. */
export function clock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Each plan step with its start and end, in minutes from the start of the session. */
export function timedPlan<T extends { minutes: number }>(plan: readonly T[]) {
  let start = 0;
  return plan.map((step) => {
    const timed = { ...step, start, end: start + step.minutes };
    start += step.minutes;
    return timed;
  });
}

/** Paragraphs of a plain-text field: a blank line starts a new one. */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
}
