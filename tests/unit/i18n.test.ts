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
