import type { AssessmentState } from '../api/assessment.ts';
import { format } from '../i18n/format.ts';
import { sessionHeaders, sessionReady, type Learner } from './learner.ts';

/** What the page hands the script (src/pages/[lang]/index.astro), in the page's language. */
interface HomeData {
  strings: Record<string, string>;
  tracks: Record<string, { title: string; modules: { id: string; title: string }[] }>;
}

/** GET /api/certification/{track}/status, the part the home shows. */
interface TrackStatus {
  passed: boolean;
  missingModules: string[];
  certificate: { code: string; issuedAt: string; expiresAt: string } | null;
  cohort: string | null;
  enrolledTrack: string | null;
  assessment?: AssessmentState;
  /** How far the learner's statements went per module (absent: not begun). */
  modules?: Record<string, 'passed' | 'in-progress'>;
}

/** What the home last learnt from the service, kept on this device to show when offline. */
interface Snapshot {
  /** The learner it is about (their account name): another learner on the device sees nothing of it. */
  learner: string;
  track: string;
  /** When it was fetched. */
  at: string;
  status: TrackStatus | null;
}

/** Under the learner data prefix, so signing out of the device forgets it (learner.ts). */
const SNAPSHOT_KEY = 'cp-xapi:home';

export type ModuleState = 'not-started' | 'in-progress' | 'passed';

/** What this device's copy of a module's progress says (the tracker's, src/client/tracker.ts). */
export function localState(stored: string | null): ModuleState {
  try {
    const value = JSON.parse(stored ?? 'null') as { progress?: Record<string, unknown> } | null;
    const progress = value?.progress;
    if (!progress) return 'not-started';
    if (progress.passed === true || progress.completed === true) return 'passed';
    const read = Array.isArray(progress.read) ? progress.read.length : 0;
    return read > 0 || progress.section || progress.quiz ? 'in-progress' : 'not-started';
  } catch {
    return 'not-started';
  }
}

/** The further of two states: a check passed on this device or another counts. */
export function furthest(a: ModuleState, b: ModuleState): ModuleState {
  const rank: ModuleState[] = ['not-started', 'in-progress', 'passed'];
  return rank.indexOf(a) >= rank.indexOf(b) ? a : b;
}

/** Adds calendar months in local time, clamped to the month's last day. */
function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getDate();
  result.setDate(1);
  result.setMonth(result.getMonth() + months);
  result.setDate(Math.min(day, new Date(result.getFullYear(), result.getMonth() + 1, 0).getDate()));
  return result;
}

/** Whether a certificate expiring at `expiresAt` is within two months of `now` (or past). */
export function expiresSoon(expiresAt: string, now: Date): boolean {
  return new Date(expiresAt).getTime() <= addMonths(now, 2).getTime();
}

/** What the service last said to this learner (on this track, when one is given). */
function readSnapshot(learner: string, track?: string): Snapshot | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(SNAPSHOT_KEY) ?? 'null') as Snapshot | null;
    return value?.learner === learner && (track === undefined || value.track === track)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function writeSnapshot(snapshot: Snapshot): void {
  try {
    localStorage.setItem(SNAPSHOT_KEY, JSON.stringify(snapshot));
  } catch {
    // Full storage: the home still shows the fresh figures, only not offline next time.
  }
}

// The learner's own credential for the platform's API: the Authorization value while the browser
// keeps one; otherwise nothing, and the same-origin request carries the learner's session cookie.
async function fetchStatus(track: string): Promise<TrackStatus | undefined> {
  try {
    await sessionReady();
    const response = await fetch(`/api/certification/${encodeURIComponent(track)}/status`, {
      headers: sessionHeaders(),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    return response.ok ? ((await response.json()) as TrackStatus) : undefined;
  } catch {
    return undefined;
  }
}

type Child = Node | string | false | null | undefined;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

/**
 * The learner's part of the home page: their track, each module's state, the next step, the
 * graded assessment, the certificate and its expiry. It shows what this device knows at once
 * (the tracker's copy of each module's progress, and what the service last said), then asks the
 * service (the certification status, which carries what the learner's statements say of each
 * module) and shows that, or says it could not.
 */
export function showLearnerHome(box: HTMLElement, learner: Learner): void {
  const data = JSON.parse(box.dataset.homeLearner ?? '{}') as HomeData;
  const s = data.strings;
  const lang = box.dataset.lang ?? document.documentElement.lang;
  const who = learner.actor.account.name;
  const body = box.querySelector<HTMLElement>('[data-home-body]');
  const refresh = box.querySelector<HTMLElement>('[data-home-refresh]');
  if (!body || !refresh) return;
  box.hidden = false;
  const visitor = document.querySelector<HTMLElement>('[data-home-visitor]');
  if (visitor) visitor.hidden = true;

  const dateOf = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));
  const timeOf = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
  const link = (href: string, text: string) => el('a', { href }, text);

  const trackId = learner.trackId ?? readSnapshot(who)?.status?.enrolledTrack ?? undefined;
  const track = trackId === undefined ? undefined : data.tracks[trackId];
  if (trackId === undefined || track === undefined) {
    body.replaceChildren(el('p', {}, s.noTrack ?? ''));
    return;
  }
  const assessmentHref = `/${lang}/assessment/${trackId}/`;

  const render = (snapshot: Snapshot | undefined) => {
    const status = snapshot?.status ?? null;
    const now = new Date();
    const states = track.modules.map((module) => {
      // The tracker's copy on this device (its key in src/client/tracker.ts), and the service's.
      let local: string | null = null;
      try {
        local = localStorage.getItem(`cp-xapi:progress:${module.id}`);
      } catch {
        // Storage blocked: the service's answer alone.
      }
      const remote: ModuleState =
        status?.modules?.[module.id] ??
        (status !== null && !status.missingModules.includes(module.id) ? 'passed' : 'not-started');
      return { ...module, state: furthest(localState(local), remote) };
    });
    const label: Record<ModuleState, string> = {
      'not-started': s.stateNotStarted ?? '',
      'in-progress': s.stateInProgress ?? '',
      passed: s.statePassed ?? '',
    };
    const a = status?.assessment;
    const next = a?.nextAttemptAt && new Date(a.nextAttemptAt) > now ? a.nextAttemptAt : null;
    const cohort = status ? status.cohort : (learner.cohort ?? null);
    const certificate = status?.certificate ?? null;
    const certificateHref = certificate
      ? `/${lang}/certificate/?code=${encodeURIComponent(certificate.code)}`
      : '';

    // The next step: the first module whose check is not passed, else the assessment, else the
    // certificate.
    const open = states.find((m) => m.state !== 'passed');
    let nextStep: Child;
    if (open) {
      nextStep = link(
        `/${lang}/modules/${open.id}/`,
        format(open.state === 'in-progress' ? (s.nextContinue ?? '') : (s.nextStart ?? ''), {
          module: open.title,
        }),
      );
    } else if (certificate) nextStep = link(certificateHref, s.nextCertificate ?? '');
    else if (!status || !a) nextStep = link(assessmentHref, s.nextUnknown ?? '');
    else if (a.passed) nextStep = link(assessmentHref, s.nextUnknown ?? '');
    else if (a.open) nextStep = link(assessmentHref, s.nextOpen ?? '');
    else if (cohort === null) nextStep = link(assessmentHref, s.nextCohort ?? '');
    else if (next) nextStep = format(s.nextWait ?? '', { time: timeOf(next) });
    else nextStep = link(assessmentHref, s.nextAssessment ?? '');

    let assessment: string;
    if (!a) assessment = s.assessmentUnknown ?? '';
    else if (a.passed) assessment = s.assessmentPassed ?? '';
    else if (a.open)
      assessment = format(s.assessmentOpen ?? '', { time: timeOf(a.open.expiresAt) });
    else if (cohort === null) assessment = s.assessmentCohort ?? '';
    else if (a.last) {
      assessment = [
        format(s.assessmentFailed ?? '', { date: dateOf(a.last.submittedAt) }),
        next ? format(s.assessmentNext ?? '', { time: timeOf(next) }) : '',
        format(s.assessmentLeft ?? '', {
          count: next && a.waitReason === 'attempts_per_day' ? 0 : a.attemptsLeft,
          total: a.attemptsPerDay,
        }),
      ]
        .filter(Boolean)
        .join(' ');
    } else assessment = format(s.assessmentNotTaken ?? '', { count: a.attemptsPerDay });

    const focused =
      document.activeElement instanceof HTMLAnchorElement && body.contains(document.activeElement)
        ? document.activeElement.getAttribute('href')
        : null;
    const parts: Child[] = [
      el('p', { class: 'home-track' }, format(s.trackLabel ?? '', { track: track.title })),
      el('h3', {}, s.nextTitle ?? ''),
      el('p', { class: 'home-next', 'data-home-next': '' }, nextStep),
      el('h3', {}, s.modulesTitle ?? ''),
      el(
        'ol',
        { class: 'home-modules' },
        ...states.map((m) =>
          el(
            'li',
            { 'data-home-module': m.id, 'data-state': m.state },
            link(`/${lang}/modules/${m.id}/`, m.title),
            ' ',
            el('span', { class: 'home-state', 'data-state': m.state }, label[m.state]),
          ),
        ),
      ),
      el('h3', {}, s.assessmentTitle ?? ''),
      el('p', { 'data-home-assessment': '' }, assessment),
      el('h3', {}, s.certificateTitle ?? ''),
      certificate
        ? el(
            'p',
            { 'data-home-certificate': '' },
            format(s.certificateValid ?? '', {
              code: certificate.code,
              date: dateOf(certificate.expiresAt),
            }),
            ' ',
            link(certificateHref, s.certificateLink ?? ''),
          )
        : el('p', { 'data-home-certificate': '' }, s.certificateNone ?? ''),
      certificate &&
        expiresSoon(certificate.expiresAt, now) &&
        el(
          'p',
          { class: 'home-warning', 'data-home-expiry-warning': '' },
          el(
            'strong',
            {},
            format(s.certificateSoon ?? '', { date: dateOf(certificate.expiresAt) }),
          ),
        ),
    ];
    body.replaceChildren(...parts.filter((part): part is Node | string => Boolean(part)));
    if (focused !== null)
      body.querySelector<HTMLElement>(`a[href="${CSS.escape(focused)}"]`)?.focus();
  };

  const kept = readSnapshot(who, trackId);
  refresh.textContent = s.refreshing ?? '';
  render(kept);

  void fetchStatus(trackId).then((status) => {
    const fresh = status !== undefined;
    const snapshot: Snapshot | undefined = fresh
      ? { learner: who, track: trackId, at: new Date().toISOString(), status }
      : kept;
    if (fresh && snapshot) writeSnapshot(snapshot);
    render(snapshot);
    refresh.textContent = fresh
      ? (s.refreshed ?? '')
      : snapshot
        ? format(s.offline ?? '', { time: timeOf(snapshot.at) })
        : (s.offlineNever ?? '');
    box.dataset.homeFresh = fresh ? 'true' : 'false';
  });
}
