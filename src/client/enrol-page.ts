// The enrolment page: enrols with the project's service (or, where the site points at another
// LRS, on this device), signs the learner in, and signs them out when the device changes hands.
import { format } from '../i18n/format.ts';
import { errorStrings, errorText, readServiceError, type ServiceError } from './errors.ts';
import { IdbStorage } from './idb-storage.ts';
import { rememberLanguage } from './language.ts';
import { newUuid } from '../xapi/ids.ts';
import {
  clearLocalData,
  loadLearner,
  lrsConfig,
  saveLearner,
  sessionHeaders,
  sessionReady,
  siteOrigin,
  type Learner,
} from './learner.ts';
import { startSync } from './sync.ts';
import type { AccountAgent } from '../xapi/types.ts';

const root = document.getElementById('enrol');
const form = document.querySelector<HTMLFormElement>('#enrol-form');
const done = document.getElementById('enrol-done');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An error answer of the service, kept whole so the page can say it in its language. */
class ServiceFailure extends Error {
  readonly error: ServiceError;
  constructor(error: ServiceError) {
    super(error.message);
    this.error = error;
  }
}

type Control = HTMLInputElement | HTMLSelectElement;

/**
 * Shows a message next to a field (inside a radio group's fieldset), joined to the field by
 * aria-describedby and marked aria-invalid, so a screen reader says it on focus and a phone shows
 * it where the learner is looking. `alert` makes the message itself announce at once.
 */
function showFieldError(control: Control, text: string, alert = false): void {
  const group = control.type === 'radio' ? control.closest('fieldset') : null;
  const place = group ?? control.parentElement;
  const id = `${control.id || control.name}-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement('span');
    note.id = id;
    note.className = 'field-error';
    place?.append(note);
  }
  if (alert) note.setAttribute('role', 'alert');
  note.textContent = text;
  const controls = group ? [...group.querySelectorAll('input')] : [control];
  for (const each of controls) {
    each.setAttribute('aria-invalid', 'true');
    const described = (each.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!described.includes(id))
      each.setAttribute('aria-describedby', [...described, id].join(' '));
  }
}

/** Takes away the messages showFieldError put in a form. */
function clearFieldErrors(form: HTMLFormElement): void {
  for (const note of form.querySelectorAll('.field-error')) {
    for (const control of form.querySelectorAll(`[aria-describedby~="${note.id}"]`)) {
      control.removeAttribute('aria-invalid');
      const rest = (control.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter((id) => id !== '' && id !== note.id);
      if (rest.length > 0) control.setAttribute('aria-describedby', rest.join(' '));
      else control.removeAttribute('aria-describedby');
    }
    note.remove();
  }
}

/** The label a learner sees for a field (a radio group's legend). */
function labelOf(control: Control): string {
  const text =
    (control.type === 'radio'
      ? control.closest('fieldset')?.querySelector('legend')?.textContent
      : control.labels?.[0]?.textContent) ?? control.name;
  return text.trim();
}

if (root && form && done) {
  const strings = JSON.parse(root.dataset.strings ?? '{}') as Record<string, string>;
  const tracks = JSON.parse(root.dataset.tracks ?? '{}') as Record<string, string>;
  const t = (key: string, params: Record<string, string | number> = {}) =>
    format(strings[key] ?? key, params);
  const error = document.getElementById('enrol-error');
  const heading = document.getElementById('enrol-done-heading');
  const message = document.getElementById('enrol-switch-message');
  const syncButton = document.getElementById('enrol-sync');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');

  const codeSection = document.getElementById('code-sign-in');
  const codeGive = document.getElementById('code-give');
  // Sign-in codes come from the project's own service; a site built for another LRS has none.
  const ownService = lrsConfig(window.location.origin).auth === undefined;
  if (!ownService) {
    for (const element of [codeSection, codeGive, form.querySelector('.enrol__have-code')]) {
      if (element instanceof HTMLElement) element.hidden = true;
    }
  }

  const showEnrolled = (learner: Learner, message: 'enrolled' | 'signedInAs' | 'codeSignedIn') => {
    form.hidden = true;
    if (codeSection) codeSection.hidden = true;
    done.hidden = false;
    if (heading) {
      heading.textContent = t(message, { name: learner.actor.name ?? '' });
      if (message !== 'signedInAs') heading.focus();
    }
  };
  const showForm = () => {
    done.hidden = true;
    form.hidden = false;
    if (codeSection) codeSection.hidden = !ownService;
  };

  const signedIn = loadLearner();
  if (signedIn) showEnrolled(signedIn, 'signedInAs');
  if (signedIn && ownService) {
    // A session the service ended (signed out elsewhere, expired, revoked): the learner signs in
    // again with a code; the outbox keeps what it holds until then.
    void sessionReady()
      .then(() =>
        fetch('/api/learner-session', { headers: sessionHeaders(), credentials: 'same-origin' }),
      )
      .then((response) => {
        if (response.status !== 401) return;
        showForm();
        const error = document.getElementById('enrol-error');
        if (error) error.textContent = t('signedOut');
      })
      .catch(() => undefined);
  }

  /** Says the form has errors, in the live region at its top, and moves focus to the first. */
  const summarise = (first: Control | undefined, count: number) => {
    if (!error) return;
    const strings = errorStrings();
    error.textContent =
      count === 1 ? strings.fieldErrorsOne : format(strings.fieldErrors, { count });
    first?.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!error || !submit) return;
    error.textContent = '';
    clearFieldErrors(form);
    // Every field left wrong gets its message; a radio group counts once.
    const invalid = [...form.elements].filter(
      (element): element is Control =>
        (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) &&
        !element.checkValidity(),
    );
    const seen = new Set<string>();
    const fields = invalid.filter((control) => !seen.has(control.name) && seen.add(control.name));
    if (fields.length > 0) {
      for (const control of fields) {
        showFieldError(control, t('required', { field: labelOf(control) }));
      }
      summarise(fields[0], fields.length);
      return;
    }
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const body: Record<string, string> = { ...data };
    if (body.cohort === '') delete body.cohort;
    submit.disabled = true;
    submit.textContent = t('submitting');
    void enrol(body)
      .then((learner) => {
        saveLearner(learner);
        form.reset();
        const course = document.querySelector<HTMLAnchorElement>('#enrol-course');
        if (course && (data.language === 'en' || data.language === 'fr')) {
          course.href = `/${data.language}/`;
        }
        rememberLanguage(data.language);
        showEnrolled(learner, 'enrolled');
      })
      .catch((reason: unknown) => {
        const failure = reason instanceof ServiceFailure ? reason.error : undefined;
        const field = failure?.field ? form.elements.namedItem(failure.field) : null;
        const control =
          field instanceof RadioNodeList ? field[0] : (field as Element | null | undefined);
        if (
          failure &&
          (control instanceof HTMLInputElement || control instanceof HTMLSelectElement)
        ) {
          // A field the service refused: its message goes next to it, as for a missing one.
          showFieldError(control, errorText(failure));
          summarise(control, 1);
          return;
        }
        error.textContent = !navigator.onLine
          ? t('offline')
          : failure
            ? errorText(failure)
            : t('enrolFailed', {
                reason: reason instanceof Error ? reason.message : String(reason),
              });
        // On a phone the message above the form may be out of sight: bring it, and focus, there.
        error.focus();
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = t('submit');
      });
  });

  async function enrol(body: Record<string, string>): Promise<Learner> {
    const config = lrsConfig(window.location.origin);
    const trackId = body.role === undefined ? undefined : tracks[body.role];
    const extra = {
      ...(trackId === undefined ? {} : { trackId }),
      ...(body.cohort === undefined ? {} : { cohort: body.cohort.toUpperCase() }),
    };
    if (config.auth !== undefined) {
      // Another LRS, no enrolment service: the learner is known by an id made here.
      const actor: AccountAgent = {
        objectType: 'Agent',
        name: body.name ?? '',
        account: { homePage: siteOrigin(), name: `l-${newUuid()}` },
      };
      return {
        endpoint: config.endpoint,
        actor,
        registration: newUuid(),
        ...extra,
      };
    }
    // The answer sets the learner's session cookie (HttpOnly: no script here reads it) and gives
    // the browser no secret; the page keeps the facts alone.
    const response = await fetch('/api/enrol', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (!response.ok) throw new ServiceFailure(await readServiceError(response));
    const json: unknown = await response.json().catch(() => undefined);
    if (!isRecord(json)) throw new Error('unexpected answer from the enrolment service');
    const { actor, registration } = json;
    if (typeof registration !== 'string' || !isRecord(actor)) {
      throw new Error('unexpected answer from the enrolment service');
    }
    return {
      endpoint: config.endpoint,
      actor: actor as unknown as AccountAgent,
      registration,
      ...extra,
    };
  }

  setUpCodes({
    t,
    tracks,
    onSignedIn: (learner) => {
      saveLearner(learner);
      showEnrolled(learner, 'codeSignedIn');
    },
  });

  document.getElementById('enrol-switch')?.addEventListener('click', () => {
    const learner = loadLearner();
    if (!learner) {
      showForm();
      return;
    }
    const sync = startSync(learner);
    void sync.flush().then(async () => {
      const status = await sync.status();
      const unsent = status.pending + status.refused;
      if (message) message.textContent = unsent > 0 ? t('switchBlocked', { count: unsent }) : '';
      if (syncButton) syncButton.hidden = unsent === 0;
      if (unsent > 0) return;
      // The service ends the session and removes its cookie; offline, the device keeps it.
      if (ownService && !(await endSession())) {
        if (message) message.textContent = t('signOutOffline');
        return;
      }
      await new IdbStorage().clear();
      clearLocalData();
      if (message) message.textContent = t('switched');
      // Reload so no part of the page still holds the previous learner.
      window.setTimeout(() => {
        window.location.reload();
      }, 1500);
    });
  });
  syncButton?.addEventListener('click', () => {
    const learner = loadLearner();
    if (learner) void startSync(learner).flush();
  });
}

/**
 * Signs the learner out with the service: the session ends (on every service process) and its
 * cookie is removed. False when the service could not be reached.
 */
async function endSession(): Promise<boolean> {
  await sessionReady();
  try {
    const response = await fetch('/api/learner-session', {
      method: 'DELETE',
      headers: sessionHeaders(),
      credentials: 'same-origin',
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Sign-in codes: a signed-in learner gets a short single-use code here; on another device, the
 * code form exchanges one for a new credential of the same learner (src/server/platform/sign-in/routes.ts).
 */
function setUpCodes(options: {
  t: (key: string, params?: Record<string, string | number>) => string;
  tracks: Record<string, string>;
  onSignedIn: (learner: Learner) => void;
}): void {
  const { t, tracks } = options;
  const getButton = document.querySelector<HTMLButtonElement>('#code-get');
  const box = document.getElementById('code-box');
  const value = document.getElementById('code-value');
  const spelled = document.getElementById('code-spelled');
  const expiry = document.getElementById('code-expiry');
  const getError = document.getElementById('code-get-error');
  const lang = document.documentElement.lang || 'en';

  getButton?.addEventListener('click', () => {
    const learner = loadLearner();
    if (!learner || !box || !value || !spelled || !expiry || !getError) return;
    getButton.disabled = true;
    getButton.textContent = t('codeGetting');
    getError.textContent = '';
    box.hidden = true;
    void sessionReady()
      .then(() =>
        fetch('/api/sign-in-codes', {
          method: 'POST',
          headers: sessionHeaders(),
          credentials: 'same-origin',
        }),
      )
      .then(async (response) => {
        if (response.status !== 201) {
          throw new Error(errorText(await readServiceError(response)));
        }
        const json = (await response.json()) as { code: string; expiresAt: string };
        value.textContent = json.code;
        spelled.textContent = t('codeSpelled', {
          spelled: json.code.replace('-', '').split('').join(' '),
        });
        const time = new Date(json.expiresAt).toLocaleTimeString(lang, {
          hour: '2-digit',
          minute: '2-digit',
        });
        expiry.textContent = t('codeExpires', { time });
        box.hidden = false;
      })
      .catch((reason: unknown) => {
        getError.textContent = navigator.onLine
          ? t('codeGetFailed', {
              reason: reason instanceof Error ? reason.message : String(reason),
            })
          : t('codeOffline');
      })
      .finally(() => {
        getButton.disabled = false;
        getButton.textContent = t('codeGet');
      });
  });

  const codeForm = document.querySelector<HTMLFormElement>('#code-form');
  const input = document.querySelector<HTMLInputElement>('#code-input');
  const error = document.getElementById('code-error');
  const submit = codeForm?.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!codeForm || !input || !error || !submit) return;
  const reasons: Record<string, string> = {
    malformed: 'codeMalformed',
    unknown: 'codeUnknown',
    expired: 'codeExpired',
    used: 'codeUsed',
    throttled: 'codeThrottled',
  };
  // The message goes next to the code field and is announced there; focus goes back to it.
  const fail = (message: string) => {
    showFieldError(input, message, true);
    input.focus();
  };
  codeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    clearFieldErrors(codeForm);
    const code = input.value.trim();
    if (code === '') {
      fail(t('codeMissing'));
      return;
    }
    if (code.replace(/[\s-]+/g, '').length !== 10) {
      fail(t('codeMalformed'));
      return;
    }
    submit.disabled = true;
    submit.textContent = t('codeSubmitting');
    void fetch('/api/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'same-origin',
    })
      .then(async (response) => {
        if (response.status !== 201) {
          const failure = await readServiceError(response);
          const known = reasons[failure.code];
          fail(known === undefined ? t('codeFailed', { reason: errorText(failure) }) : t(known));
          return;
        }
        const json: unknown = await response.json();
        // The answer set this device's own session cookie; it carries no secret.
        if (!isRecord(json) || typeof json.registration !== 'string' || !isRecord(json.actor)) {
          throw new Error('unexpected answer from the sign-in service');
        }
        const trackId = typeof json.role === 'string' ? tracks[json.role] : undefined;
        codeForm.reset();
        options.onSignedIn({
          endpoint: lrsConfig(window.location.origin).endpoint,
          actor: json.actor as unknown as AccountAgent,
          registration: json.registration,
          ...(trackId === undefined ? {} : { trackId }),
          ...(typeof json.cohort === 'string' ? { cohort: json.cohort } : {}),
        });
        const course = document.querySelector<HTMLAnchorElement>('#enrol-course');
        if (course && (json.language === 'en' || json.language === 'fr')) {
          course.href = `/${json.language}/`;
        }
        rememberLanguage(typeof json.language === 'string' ? json.language : undefined);
      })
      .catch((reason: unknown) => {
        fail(
          navigator.onLine
            ? t('codeFailed', { reason: reason instanceof Error ? reason.message : String(reason) })
            : t('codeOffline'),
        );
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = t('codeSubmit');
      });
  });
}
