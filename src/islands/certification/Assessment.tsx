import { useEffect, useRef, useState } from 'preact/hooks';
import type strings from '../../i18n/en/assessment.json';
import { format } from '../../i18n/format.ts';
import { loadLearner, type Learner } from '../../client/learner.ts';
import type {
  FollowUpResponse,
  MatchingResponse,
  QuestionResponse,
  ScenarioResponse,
} from '../../quiz/scoring.ts';
import { QuestionView } from '../questions/QuestionView.tsx';
import type { ShownQuestion } from '../questions/shown.ts';
import '../quiz/quiz.css';

/** Props of the graded assessment island. */
export interface Props {
  track: string;
  lang: 'en' | 'fr';
  /** Titles of the track's modules by id, to name the ones still missing. */
  modules: Record<string, string>;
  t: typeof strings;
}

interface Loaded {
  title: string;
  masteryScore: number;
  /** The service's questions: shuffled, without their key. */
  questions: ShownQuestion[];
}

interface Status {
  passed: boolean;
  missingModules: string[];
  certificate: { code: string } | null;
}

interface Outcome {
  score: { scaled: number; raw: number; max: number };
  passed: boolean;
  masteryScore: number;
}

type Phase =
  | { kind: 'loading' }
  | { kind: 'noLearner' }
  | { kind: 'refused' }
  | { kind: 'loadFailed' }
  | { kind: 'ready'; data: Loaded }
  | { kind: 'result'; data: Loaded; outcome: Outcome };

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
 * The graded assessment of a track: questions fetched without their key using the learner's own
 * credential, answers sent to the service, which alone scores them; then the learner's status,
 * with a link to the certificate once the service has issued it.
 */
export default function Assessment({ track, lang, modules, t }: Props) {
  const [learner, setLearner] = useState<Learner | undefined>(undefined);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [answers, setAnswers] = useState<Record<string, QuestionResponse>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | 'checking' | 'failed' | null>(null);
  const [live, setLive] = useState('');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const percent = (n: number) =>
    new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(n);

  const call = (path: string, who: Learner, init: RequestInit = {}) =>
    fetch(path, {
      ...init,
      headers: { Authorization: who.auth, 'Content-Type': 'application/json' },
    });

  const checkStatus = async (who: Learner) => {
    setStatus('checking');
    try {
      const res = await call(`/api/certification/${encodeURIComponent(track)}/status`, who);
      setStatus(res.ok ? ((await res.json()) as Status) : 'failed');
    } catch {
      setStatus('failed');
    }
  };

  const load = async (who: Learner) => {
    setPhase({ kind: 'loading' });
    setAnswers({});
    setError('');
    try {
      const res = await call(`/api/assessments/${encodeURIComponent(track)}?lang=${lang}`, who);
      if (res.status === 401 || res.status === 403) {
        setPhase({ kind: 'refused' });
        return;
      }
      if (!res.ok) throw new Error(String(res.status));
      setPhase({ kind: 'ready', data: (await res.json()) as Loaded });
    } catch {
      setPhase({ kind: 'loadFailed' });
    }
  };

  useEffect(() => {
    const who = loadLearner();
    setLearner(who);
    if (who === undefined) {
      setPhase({ kind: 'noLearner' });
      return;
    }
    void load(who);
    void checkStatus(who);
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
  if (phase.kind === 'loadFailed' || learner === undefined) {
    return (
      <div role="alert">
        <p>{t.loadFailed}</p>
        <button
          type="button"
          class="cpq-button"
          onClick={() => {
            if (learner) void load(learner);
          }}
        >
          {t.retryLoad}
        </button>
      </div>
    );
  }

  const { data } = phase;
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
    ) : status.missingModules.length > 0 && phase.kind === 'result' ? (
      <div>
        <p>{t.missing}</p>
        <ul>
          {status.missingModules.map((id) => (
            <li key={id}>
              <a href={`/${lang}/modules/${id}/`}>{modules[id] ?? id}</a>
            </li>
          ))}
        </ul>
      </div>
    ) : null;

  if (phase.kind === 'result') {
    const { outcome } = phase;
    return (
      <section class="cpq cpq-results" aria-labelledby="assessment-result">
        <h2 id="assessment-result" class="cpq-title" tabIndex={-1} ref={resultHeading}>
          {t.resultTitle}
        </h2>
        <p class="cpq-score" data-testid="assessment-score">
          {format(t.score, {
            percent: percent(outcome.score.scaled),
            raw: outcome.score.raw,
            max: outcome.score.max,
          })}
        </p>
        <p data-outcome={outcome.passed ? 'passed' : 'failed'}>
          <strong>
            <span aria-hidden="true">{outcome.passed ? '✓ ' : '✗ '}</span>
            {format(outcome.passed ? t.passed : t.failed, {
              percent: percent(outcome.masteryScore),
            })}
          </strong>
        </p>
        <div aria-live="polite">{statusView}</div>
        {!outcome.passed && (
          <button
            type="button"
            class="cpq-button"
            onClick={() => {
              void load(learner);
            }}
          >
            {t.tryAgain}
          </button>
        )}
      </section>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing = data.questions
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
        data.questions.map((q) => [q.id, responseOf(q, answers[q.id])]),
      );
      const res = await call(`/api/assessments/${encodeURIComponent(track)}/attempts`, learner, {
        method: 'POST',
        body: JSON.stringify({ lang, responses }),
      });
      if (res.status === 429) setError(t.tooMany);
      else if (res.status === 401 || res.status === 403) setPhase({ kind: 'refused' });
      else if (!res.ok) setError(t.submitFailed);
      else {
        setPhase({ kind: 'result', data, outcome: (await res.json()) as Outcome });
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
        {format(t.passMark, { percent: percent(data.masteryScore) })}
      </p>
      {statusView}
      {data.questions.map((q, i) => (
        <QuestionView
          key={q.id}
          question={q}
          response={answers[q.id]}
          onChange={(v) => {
            setAnswers((prev) => ({ ...prev, [q.id]: v }));
          }}
          strings={t}
          idBase={`aq-${q.id}`}
          heading={format(t.questionOf, { n: i + 1, total: data.questions.length })}
          level={2}
          announce={setLive}
        />
      ))}
      <div role="alert" class="cpq-alert">
        {error}
      </div>
      <div class="cpq-actions">
        <button type="submit" class="cpq-button" disabled={busy}>
          {busy ? t.submitting : t.submit}
        </button>
      </div>
    </form>
  );
}
