import { describe, expect, it } from 'vitest';
import { isLang, localePath, useTranslations } from '../../src/i18n/index.ts';

describe('translations', () => {
  const t = useTranslations('en');

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('module.minutes', { minutes: 25 })).toBe('About 25 minutes');
    expect(t('module.minutes')).toBe('About {minutes} minutes');
  });

  it('recognises only published languages', () => {
    expect(isLang('en')).toBe(true);
    expect(isLang('de')).toBe(false);
    expect(isLang(undefined)).toBe(false);
  });

  it('builds language paths with one trailing slash', () => {
    expect(localePath('en')).toBe('/en/');
    expect(localePath('en', '/modules/x/')).toBe('/en/modules/x/');
  });
});

describe('translation files', () => {
  const files = import.meta.glob<Record<string, string>>('../../src/i18n/*/*.json', {
    eager: true,
    import: 'default',
  });
  const byName = new Map<string, Map<string, Record<string, string>>>();
  for (const [path, strings] of Object.entries(files)) {
    const [, lang = '', name = ''] = /\/i18n\/(\w+)\/([\w-]+)\.json$/.exec(path) ?? [];
    const langs = byName.get(name) ?? new Map<string, Record<string, string>>();
    langs.set(lang, strings);
    byName.set(name, langs);
  }

  it.each([...byName.keys()])(
    '%s.json has the same keys and placeholders in every language',
    (name) => {
      const langs = [...(byName.get(name)?.entries() ?? [])];
      expect(langs.map(([lang]) => lang).sort()).toEqual(['en', 'fr']);
      const [, english = {}] = langs.find(([lang]) => lang === 'en') ?? [];
      for (const [lang, strings] of langs) {
        expect(Object.keys(strings).sort(), `${lang}/${name}.json keys`).toEqual(
          Object.keys(english).sort(),
        );
        for (const [key, text] of Object.entries(strings)) {
          const placeholders = (value: string) => (value.match(/\{\w+\}/g) ?? []).sort();
          expect(placeholders(text), `${lang}/${name}.json ${key}`).toEqual(
            placeholders(english[key] ?? ''),
          );
          expect(text.trim(), `${lang}/${name}.json ${key} is empty`).not.toBe('');
        }
      }
    },
  );

  it.each([...byName.keys()])('fr/%s.json writes the apostrophe as ’, not as a quote', (name) => {
    const strings = byName.get(name)?.get('fr') ?? {};
    const straight = Object.entries(strings).filter(([, text]) => text.includes("'"));
    expect(straight.map(([key]) => key)).toEqual([]);
  });
});

describe('language paths', () => {
  it('keeps the learner on the same page in the other language', async () => {
    const { translatePath } = await import('../../src/i18n/index.ts');
    expect(translatePath('/en/modules/x/', 'fr')).toBe('/fr/modules/x/');
    expect(translatePath('/en/search/', 'fr')).toBe('/fr/search/');
    expect(translatePath('/404.html', 'fr')).toBe('/fr/');
  });
});
