import en from '../i18n/en/errors.json';
import fr from '../i18n/fr/errors.json';

/** The messages for the service's error codes: the shape of src/i18n/en/errors.json. */
export type ErrorStrings = typeof en;

const byLang: Record<string, ErrorStrings> = { en, fr };

/** An error answer of the service: `{ error, code, message }` (src/server/http/error-handler.ts). */
export interface ServiceError {
  status: number;
  /** The machine-readable code, such as already_enrolled or invalid_field. */
  code: string;
  /** The service's own message, in English: shown only when the site has none for the code. */
  message: string;
  /** For invalid_field, the field the service named at the start of its message. */
  field?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an error answer; a body that is not the service's JSON still gives the status. */
export async function readServiceError(response: Response): Promise<ServiceError> {
  const json: unknown = await response.json().catch(() => undefined);
  const code = isRecord(json) && typeof json.code === 'string' ? json.code : '';
  const message =
    isRecord(json) && typeof json.message === 'string' ? json.message : `HTTP ${response.status}`;
  // The service names the field first: "cohort: no cohort has this code; ...".
  const field = code === 'invalid_field' ? /^(\w+):/.exec(message)?.[1] : undefined;
  return { status: response.status, code, message, ...(field ? { field } : {}) };
}

/** The strings in the page's language (English for a language the site does not have). */
export function errorStrings(lang = document.documentElement.lang): ErrorStrings {
  return byLang[lang] ?? en;
}

/**
 * What to tell the learner about an error answer, in the page's language: the site's message for
 * the code (and field), else the service's own message.
 */
export function errorText(error: ServiceError, strings: ErrorStrings = errorStrings()): string {
  const keys = [error.field ? `${error.code}_${error.field}` : '', error.code];
  for (const key of keys) {
    if (key in strings) return strings[key as keyof ErrorStrings];
  }
  return error.message;
}
