// The enrolment page: enrols with the project's service (or, where the site points at another
// LRS, on this device), signs the learner in, and signs them out when the device changes hands.
import { format } from '../quiz/client.ts';
import { IdbStorage } from './idb-storage.ts';
import { newUuid } from './ids.ts';
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
import type { AccountAgent } from './types.ts';

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

  const showEnrolled = (learner: Learner, fresh: boolean) => {
    form.hidden = true;
    done.hidden = false;
    if (heading) {
      heading.textContent = fresh
        ? t('enrolled', { name: learner.actor.name ?? '' })
        : t('signedInAs', { name: learner.actor.name ?? '' });
      if (fresh) heading.focus();
    }
  };
  const showForm = () => {
    done.hidden = true;
    form.hidden = false;
  };

  const signedIn = loadLearner();
  if (signedIn) showEnrolled(signedIn, false);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!error || !submit) return;
    error.textContent = '';
    const invalid = [...form.elements].find(
      (element): element is HTMLInputElement =>
        element instanceof HTMLInputElement && !element.checkValidity(),
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
        showEnrolled(learner, true);
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
