import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type strings from '../../i18n/en/assessment.json';
import { format } from '../../i18n/format.ts';
import { loadLearner, sessionHeaders, sessionReady, type Learner } from '../../client/learner.ts';
import type {
  FollowUpResponse,
  MatchingResponse,
  QuestionResponse,
  ScenarioResponse,
} from '../../quiz/scoring.ts';
import type { AttemptResult, StartedAttempt } from '../../api/assessment.ts';
import { QuestionView } from '../questions/QuestionView.tsx';
import type { ShownQuestion } from '../questions/shown.ts';
import '../quiz/quiz.css';

/** Props of the graded assessment island. */
export interface Props {
  track: string;
  lang: 'en' | 'fr';
  /** Titles of the track's modules by id. */
  modules: Record<string, string>;
  t: typeof strings;
}

interface Status {
  passed: boolean;
  certificate: { code: string } | null;
  /** The cohort whose seat admits the learner to graded attempts, or null. */
  cohort: string | null;
}

/** The track's attempt policy, from the public list of tracks. */
interface Policy {
  attemptsPerDay: number;
  coolDownMinutes: number;
  attemptMinutes: number;
  masteryScore: number;
}

type Phase =
  | { kind: 'loading' }
  | { kind: 'noLearner' }
  | { kind: 'refused' }
  | { kind: 'noCohort'; notice?: string }
  | { kind: 'idle'; notice?: string }
  | { kind: 'starting' }
  | { kind: 'ready'; data: StartedAttempt }
  | { kind: 'result'; data: StartedAttempt; outcome: AttemptResult };

/** Whether a question has an answer worth sending; orderings always do. */
function answered(q: ShownQuestion, a: QuestionResponse | undefined): boolean {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return Array.isArray(a) && a.length > 0;
    case 'true-false':
      return typeof a === 'boolean';
    case 'matching': {
      const map = (a ?? {}) as MatchingResponse;
      return typeof a === 'object' && !Array.isArray(a) && q.items.every((i) => map[i.id]);
    }
    case 'ordering':
      return true;
    case 'scenario': {
      const s = a as ScenarioResponse | undefined;
      return (
        typeof s?.decision === 'string' &&
        (q.followUp === undefined || answered(q.followUp, s.followUp))
      );
    }
  }
}

/** The response to send: an untouched ordering goes in its shown order. */
function responseOf(
  q: ShownQuestion,
  a: QuestionResponse | undefined,
): QuestionResponse | undefined {
  if (q.type === 'ordering') return a ?? q.steps.map((s) => s.id);
  if (q.type === 'scenario' && q.followUp?.type === 'ordering') {
    const s = (a ?? {}) as ScenarioResponse;
    return { ...s, followUp: (responseOf(q.followUp, s.followUp) ?? []) as FollowUpResponse };
  }
  return a;
}

/**
 * The graded assessment of a track. The learner starts an attempt with their own credential; the
 * service draws its form (random ids, new each time) and keeps the key. The answers go back to
 * that attempt once every question has one; the service grades them and the learner sees, per
 * learning outcome, met or not and where to review, then their certificate status.
 */
export default function Assessment({ track, lang, t }: Props) {
  const [learner, setLearner] = useState<Learner | undefined>(undefined);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [answers, setAnswers] = useState<Record<string, QuestionResponse>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | 'checking' | 'failed' | null>(null);
  const [live, setLive] = useState('');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const percent = (n: number) =>
    new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(n);
  const when = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const minutes = (n: number) => format(t.minutes, { n });

  // Signed in by the learner's session cookie (or another LRS's build-time credential).
  const call = async (path: string, _who: Learner, init: RequestInit = {}) => {
    await sessionReady();
    return fetch(path, {
      ...init,
      headers: { ...sessionHeaders(), 'Content-Type': 'application/json' },
      credentials: 'same-origin',
    });
  };
  const attemptsPath = `/api/assessments/${encodeURIComponent(track)}/attempts`;

  const checkStatus = async (who: Learner) => {
    setStatus('checking');
    try {
      const res = await call(`/api/certification/${encodeURIComponent(track)}/status`, who);
      const found = res.ok ? ((await res.json()) as Status) : 'failed';
      setStatus(found);
      // Without a seat in a cohort, the page asks for a trainer's code before anything else.
      if (found !== 'failed' && found.cohort === null && !found.passed) {
        setPhase((p) => (p.kind === 'idle' ? { kind: 'noCohort' } : p));
      }
    } catch {
      setStatus('failed');
    }
  };

  // Takes a seat in a trainer's cohort with the code they gave.
  const join = async (who: Learner, code: string) => {
    setBusy(true);
    try {
      const res = await call('/api/cohorts/join', who, {
        method: 'POST',
        body: JSON.stringify({ code }),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string; name?: string };
      if (res.ok) {
        setPhase({ kind: 'idle', notice: format(t.cohortJoined, { name: body.name ?? code }) });
        void checkStatus(who);
        return;
      }
      const reason: Record<string, string> = {
        cohort_full: t.cohortFull,
        cohort_closed: t.cohortClosed,
        cohort_other_track: t.cohortOtherTrack,
        invalid_field: t.cohortUnknown,
      };
      setPhase({
        kind: 'noCohort',
        notice:
          res.status === 429
            ? waitNotice(res)
            : (reason[body.code ?? ''] ??
              (res.status === 400 ? t.cohortUnknown : t.cohortJoinFailed)),
      });
    } catch {
      setPhase({ kind: 'noCohort', notice: t.cohortJoinFailed });
    } finally {
      setBusy(false);
    }
  };

  // The refusal of a start in the learner's words: when the next attempt may start.
  const waitNotice = (res: Response) => {
    const seconds = Number(res.headers.get('Retry-After'));
    const at = new Date(Date.now() + (Number.isFinite(seconds) ? seconds : 0) * 1000);
    return format(t.tooMany, { time: when(at.toISOString()) });
  };

  const start = async (who: Learner) => {
    setPhase({ kind: 'starting' });
    setAnswers({});
    setError('');
    try {
      const res = await call(attemptsPath, who, {
        method: 'POST',
        body: JSON.stringify({ lang }),
      });
      if (res.status === 403) {
        const code = ((await res.json().catch(() => ({}))) as { code?: string }).code;
        if (code === 'cohort_required') setPhase({ kind: 'noCohort' });
        else if (code === 'other_track') setPhase({ kind: 'idle', notice: t.otherTrack });
        else setPhase({ kind: 'refused' });
      } else if (res.status === 401) setPhase({ kind: 'refused' });
      else if (res.status === 429) setPhase({ kind: 'idle', notice: waitNotice(res) });
      else if (res.status === 409) {
        setPhase({ kind: 'idle', notice: t.alreadyPassed });
        void checkStatus(who);
      } else if (!res.ok) setPhase({ kind: 'idle', notice: t.loadFailed });
      else setPhase({ kind: 'ready', data: (await res.json()) as StartedAttempt });
    } catch {
      setPhase({ kind: 'idle', notice: t.loadFailed });
    }
  };

  useEffect(() => {
    const who = loadLearner();
    setLearner(who);
    if (who === undefined) {
      setPhase({ kind: 'noLearner' });
      return;
    }
    setPhase({ kind: 'idle' });
    void checkStatus(who);
    void fetch('/api/certification/tracks')
      .then((res) => (res.ok ? (res.json() as Promise<(Policy & { id: string })[]>) : []))
      .then((list) => {
        setPolicy(list.find((x) => x.id === track) ?? null);
      })
      .catch(() => undefined);
    // The learner and track are fixed for the page's life: this runs once.
  }, []);

  useEffect(() => {
    if (phase.kind === 'result') resultHeading.current?.focus();
  }, [phase.kind]);

  const enrolHref = `/${lang}/enrol/`;
  if (phase.kind === 'loading') return <p role="status">{t.loading}</p>;
  if (phase.kind === 'noLearner' || phase.kind === 'refused') {
    return (
      <div class="cpq" role="status">
        <p>{phase.kind === 'noLearner' ? t.notEnrolled : t.notAccepted}</p>
        <p>
          <a href={enrolHref}>{t.enrolLink}</a>
        </p>
      </div>
    );
  }
  if (learner === undefined) return null;

  const certificateLink = (code: string) => (
    <a href={`/${lang}/certificate/?code=${encodeURIComponent(code)}`}>{t.viewCertificate}</a>
  );
  const statusView =
    status === 'checking' ? (
      <p>{t.checkingStatus}</p>
    ) : status === 'failed' ? (
      <p>{t.statusFailed}</p>
    ) : status === null ? null : status.certificate ? (
      <p>
        <strong>{phase.kind === 'result' ? t.certified : t.alreadyCertified}</strong>{' '}
        {certificateLink(status.certificate.code)}
      </p>
    ) : null;

  if (phase.kind === 'noCohort') {
    return (
      <form
        class="cpq"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem('cohort');
          const code = input instanceof HTMLInputElement ? input.value.trim() : '';
          if (code === '') {
            setPhase({ kind: 'noCohort', notice: t.cohortUnknown });
            return;
          }
          void join(learner, code);
        }}
      >
        <p>{format(t.signedInAs, { name: learner.actor.name ?? '' })}</p>
        <p data-testid="cohort-required">{t.cohortRequired}</p>
        <p class="cpq-field">
          <label for="assessment-cohort">{t.cohortCodeLabel}</label>{' '}
          <input
            id="assessment-cohort"
            name="cohort"
            maxLength={40}
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
          />
        </p>
        <SubmitLine alert={phase.notice ?? ''} busy={busy}>
          {busy ? t.cohortJoining : t.cohortJoin}
        </SubmitLine>
      </form>
    );
  }

  if (phase.kind === 'idle' || phase.kind === 'starting') {
    const passed = status !== null && typeof status === 'object' && status.passed;
    return (
      <div class="cpq">
        <p>{format(t.signedInAs, { name: learner.actor.name ?? '' })}</p>
        {policy && (
          <p>
            {format(t.passMark, { percent: percent(policy.masteryScore) })}{' '}
            {format(t.policy, {
              attempts: policy.attemptsPerDay,
              coolDown: minutes(policy.coolDownMinutes),
              time: minutes(policy.attemptMinutes),
            })}
          </p>
        )}
        <div aria-live="polite">{statusView}</div>
        <div role="alert" class="cpq-alert">
          {phase.kind === 'idle' ? (phase.notice ?? '') : ''}
        </div>
        {!passed && (
          <div class="cpq-actions">
            <button
              type="button"
              class="cpq-button"
              disabled={phase.kind === 'starting'}
              onClick={() => {
                void start(learner);
              }}
            >
              {phase.kind === 'starting' ? t.starting : t.start}
            </button>
          </div>
        )}
      </div>
    );
  }

  const { data } = phase;

  if (phase.kind === 'result') {
    const { outcome } = phase;
    return (
      <section class="cpq cpq-results" aria-labelledby="assessment-result">
        <h2 id="assessment-result" class="cpq-title" tabIndex={-1} ref={resultHeading}>
          {t.resultTitle}
        </h2>
        <p class="cpq-score" data-testid="assessment-score">
          {format(t.score, { percent: percent(outcome.scaled) })}
        </p>
        <p data-outcome={outcome.passed ? 'passed' : 'failed'}>
          <strong>
            <span aria-hidden="true">{outcome.passed ? '✓ ' : '✗ '}</span>
            {format(outcome.passed ? t.passed : t.failed, {
              percent: percent(outcome.masteryScore),
            })}
          </strong>
        </p>
        <h3>{t.outcomesTitle}</h3>
        <ul class="cpq-outcomes" data-testid="assessment-outcomes">
          {outcome.outcomes.map((o) => (
            <li key={`${o.module}/${o.outcome}`} data-met={o.met ? 'met' : 'not-met'}>
              <strong>
                <span aria-hidden="true">{o.met ? '✓ ' : '✗ '}</span>
                {o.met ? t.met : t.notMet}
              </strong>
              {': '}
              {o.text}{' '}
              {!o.met && <a href={o.review}>{format(t.review, { module: o.moduleTitle })}</a>}
            </li>
          ))}
        </ul>
        <div aria-live="polite">{statusView}</div>
        {!outcome.passed && (
          <p>
            {format(t.attemptsLeft, { n: outcome.attemptsLeft })}{' '}
            {outcome.nextAttemptAt !== null &&
              format(t.nextAttempt, { time: when(outcome.nextAttemptAt) })}
          </p>
        )}
        {!outcome.passed && (
          <button
            type="button"
            class="cpq-button"
            onClick={() => {
              void start(learner);
            }}
          >
            {t.tryAgain}
          </button>
        )}
      </section>
    );
  }

  const questions = data.questions as ShownQuestion[];
  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = questions
      .map((q, i) => (answered(q, answers[q.id]) ? null : i + 1))
      .filter((n): n is number => n !== null);
    if (missing.length > 0) {
      setError(format(t.unanswered, { list: missing.join(', ') }));
      return;
    }
    setError('');
    setBusy(true);
    setLive(t.submitting);
    try {
      const responses = Object.fromEntries(
        questions.map((q) => [q.id, responseOf(q, answers[q.id])]),
      );
      const res = await call(`${attemptsPath}/${encodeURIComponent(data.attempt)}`, learner, {
        method: 'POST',
        body: JSON.stringify({ responses }),
      });
      if (res.status === 401 || res.status === 403) setPhase({ kind: 'refused' });
      else if (res.status === 410) setPhase({ kind: 'idle', notice: t.expired });
      else if (!res.ok) setError(t.submitFailed);
      else {
        setPhase({ kind: 'result', data, outcome: (await res.json()) as AttemptResult });
        void checkStatus(learner);
      }
    } catch {
      setError(t.submitFailed);
    } finally {
      setBusy(false);
      setLive('');
    }
  };

  return (
    <form class="cpq" onSubmit={(e) => void submit(e)} noValidate>
      <p class="visually-hidden" aria-live="polite">
        {live}
      </p>
      <p>
        {format(t.signedInAs, { name: learner.actor.name ?? '' })}{' '}
        {format(t.passMark, { percent: percent(data.masteryScore) })}{' '}
        {format(t.submitBy, { time: when(data.expiresAt) })}
      </p>
      {questions.map((q, i) => (
        <QuestionView
          key={q.id}
          question={q}
          response={answers[q.id]}
          onChange={(v) => {
            setAnswers((prev) => ({ ...prev, [q.id]: v }));
          }}
          strings={t}
          idBase={`aq${i + 1}`}
          heading={format(t.questionOf, { n: i + 1, total: questions.length })}
          level={2}
          announce={setLive}
        />
      ))}
      <SubmitLine alert={error} busy={busy}>
        {busy ? t.submitting : t.submit}
      </SubmitLine>
    </form>
  );
}

/** A form's end: its alert line (empty when all is well) and its submit button. */
function SubmitLine(props: { alert: string; busy: boolean; children: ComponentChildren }) {
  return (
    <>
      <div role="alert" class="cpq-alert">
        {props.alert}
      </div>
      <div class="cpq-actions">
        <button type="submit" class="cpq-button" disabled={props.busy}>
          {props.children}
        </button>
      </div>
    </>
  );
}
