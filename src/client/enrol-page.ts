// The enrolment page: enrols with the project's service (or, where the site points at another
// LRS, on this device), signs the learner in, and signs them out when the device changes hands.
import { format } from '../i18n/format.ts';
import { IdbStorage } from './idb-storage.ts';
import { newUuid } from '../xapi/ids.ts';
import {
  basicAuth,
  clearLocalData,
  loadLearner,
  lrsConfig,
  saveLearner,
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

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!error || !submit) return;
    error.textContent = '';
    const invalid = [...form.elements].find(
      (element): element is HTMLInputElement | HTMLSelectElement =>
        (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) &&
        !element.checkValidity(),
    );
    if (invalid) {
      const label =
        invalid.labels?.[0]?.textContent ??
        invalid.closest('fieldset')?.querySelector('legend')?.textContent ??
        invalid.name;
      error.textContent = t('required', { field: label.trim() });
      invalid.focus();
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
        showEnrolled(learner, 'enrolled');
      })
      .catch((reason: unknown) => {
        error.textContent = navigator.onLine
          ? t('enrolFailed', { reason: reason instanceof Error ? reason.message : String(reason) })
          : t('offline');
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
        auth: config.auth,
        actor,
        registration: newUuid(),
        ...extra,
      };
    }
    const response = await fetch('/api/enrol', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json().catch(() => ({}));
    if (!response.ok || !isRecord(json)) {
      throw new Error(
        isRecord(json) && typeof json.message === 'string'
          ? json.message
          : `HTTP ${response.status}`,
      );
    }
    const { key, secret, actor, registration } = json;
    if (
      typeof key !== 'string' ||
      typeof secret !== 'string' ||
      typeof registration !== 'string' ||
      !isRecord(actor)
    ) {
      throw new Error('unexpected answer from the enrolment service');
    }
    return {
      endpoint: config.endpoint,
      auth: basicAuth(key, secret),
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

/** The service's message from an error answer, else the status. */
async function messageOf(response: Response): Promise<{ message: string; reason?: string }> {
  const json: unknown = await response.json().catch(() => ({}));
  return {
    message:
      isRecord(json) && typeof json.message === 'string' ? json.message : `HTTP ${response.status}`,
    ...(isRecord(json) && typeof json.reason === 'string' ? { reason: json.reason } : {}),
  };
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
    void fetch('/api/sign-in-codes', {
      method: 'POST',
      headers: { Authorization: learner.auth },
      credentials: 'omit',
    })
      .then(async (response) => {
        if (response.status !== 201) throw new Error((await messageOf(response)).message);
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
  const fail = (message: string) => {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  codeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
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
      credentials: 'omit',
    })
      .then(async (response) => {
        if (response.status !== 201) {
          const { message, reason } = await messageOf(response);
          const known = reason === undefined ? undefined : reasons[reason];
          fail(known === undefined ? t('codeFailed', { reason: message }) : t(known));
          return;
        }
        const json: unknown = await response.json();
        if (
          !isRecord(json) ||
          typeof json.key !== 'string' ||
          typeof json.secret !== 'string' ||
          typeof json.registration !== 'string' ||
          !isRecord(json.actor)
        ) {
          throw new Error('unexpected answer from the sign-in service');
        }
        const trackId = typeof json.role === 'string' ? tracks[json.role] : undefined;
        codeForm.reset();
        options.onSignedIn({
          endpoint: lrsConfig(window.location.origin).endpoint,
          auth: basicAuth(json.key, json.secret),
          actor: json.actor as unknown as AccountAgent,
          registration: json.registration,
          ...(trackId === undefined ? {} : { trackId }),
          ...(typeof json.cohort === 'string' ? { cohort: json.cohort } : {}),
        });
        const course = document.querySelector<HTMLAnchorElement>('#enrol-course');
        if (course && (json.language === 'en' || json.language === 'fr')) {
          course.href = `/${json.language}/`;
        }
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
