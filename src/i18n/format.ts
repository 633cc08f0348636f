// The one `{name}` placeholder formatter of the site: pages (through useTranslations), islands and
// page scripts all fill their strings here. It imports nothing, so an island that needs it does
// not pull in the translation files.

/** The values a UI string's `{name}` placeholders are filled with. */
export type FormatParams = Readonly<Record<string, string | number>>;

/**
 * Fills `{name}` placeholders in a UI string, in either language. An unknown placeholder stays
 * visible, so a missing value shows up on the page rather than vanishing silently.
 */
export function format(template: string, params: FormatParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}
