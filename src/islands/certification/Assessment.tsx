import { useEffect, useRef, useState } from 'preact/hooks';
import type strings from '../../i18n/en/assessment.json';
import { format } from '../../i18n/format.ts';
import { loadLearner, type Learner } from '../../client/learner.ts';
import '../quiz/quiz.css';

/** Props of the graded assessment island. */
export interface Props {
  track: string;
  lang: 'en' | 'fr';
  /** Titles of the track's modules by id, to name the ones still missing. */
  modules: Record<string, string>;
  t: typeof strings;
}

interface Choice {
  id: string;
  text: string;
}

type Q =
  | { id: string; type: 'single-choice' | 'multiple-response'; prompt: string; options: Choice[] }
  | { id: string; type: 'true-false'; prompt: string }
  | { id: string; type: 'matching'; prompt: string; targets: Choice[]; items: Choice[] }
  | { id: string; type: 'ordering'; prompt: string; steps: Choice[] }
  | {
      id: string;
      type: 'scenario';
      prompt: string;
      scenario: string;
      options: Choice[];
      followUp?: Q;
    };

interface Loaded {
  title: string;
  masteryScore: number;
  questions: Q[];
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

type Answer =
  string[] | boolean | Record<string, string> | { decision?: string; followUp?: Answer };

type Phase =
  | { kind: 'loading' }
  | { kind: 'noLearner' }
  | { kind: 'refused' }
  | { kind: 'loadFailed' }
  | { kind: 'ready'; data: Loaded }
  | { kind: 'result'; data: Loaded; outcome: Outcome };

/** Whether a question has an answer worth sending; orderings always do. */
function answered(q: Q, a: Answer | undefined): boolean {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return Array.isArray(a) && a.length > 0;
    case 'true-false':
      return typeof a === 'boolean';
    case 'matching':
      return (
        typeof a === 'object' &&
        !Array.isArray(a) &&
        q.items.every((i) => ((a as Record<string, string>)[i.id] ?? '') !== '')
      );
    case 'ordering':
      return true;
    case 'scenario': {
      const s = a as { decision?: string; followUp?: Answer } | undefined;
      return (
        typeof s?.decision === 'string' &&
        (q.followUp === undefined || answered(q.followUp, s.followUp))
      );
    }
  }
}

/** The response to send: an untouched ordering goes in its shown order. */
function responseOf(q: Q, a: Answer | undefined): Answer | undefined {
  if (q.type === 'ordering') return a ?? q.steps.map((s) => s.id);
  if (q.type === 'scenario' && q.followUp?.type === 'ordering') {
    const s = (a ?? {}) as { decision?: string; followUp?: Answer };
    return { ...s, followUp: responseOf(q.followUp, s.followUp) ?? [] };
  }
  return a;
}

interface FieldProps {
  q: Q;
  value: Answer | undefined;
  onChange: (value: Answer) => void;
  idBase: string;
  t: typeof strings;
  announce: (text: string) => void;
}

function Ordering({
  q,
  value,
  onChange,
  idBase,
  t,
  announce,
}: FieldProps & { q: Q & { type: 'ordering' } }) {
  const order = Array.isArray(value) ? value : q.steps.map((s) => s.id);
  const text = new Map(q.steps.map((s) => [s.id, s.text]));
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  useEffect(() => {
    // Reordering re-inserts the list item, which drops focus: put it back on the moved step.
    if (focusKey !== null) buttons.current.get(focusKey)?.focus();
  }, [focusKey, value]);
  const move = (index: number, delta: -1 | 1) => {
    const to = index + delta;
    const id = order[index];
    if (id === undefined || to < 0 || to >= order.length) return;
    const next = [...order];
    next.splice(index, 1);
    next.splice(to, 0, id);
    onChange(next);
    setFocusKey(`${id}:${String(delta)}`);
    announce(format(t.moved, { step: text.get(id) ?? id, n: to + 1, total: order.length }));
  };
  return (
    <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`}>
      <legend class="cpq-prompt">{q.prompt}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {t.orderHint}
      </p>
      <ol class="cpq-steps">
        {order.map((id, index) => (
          <li key={id} class="cpq-step" data-step-id={id}>
            <span class="cpq-step-pos">
              {format(t.stepOf, { n: index + 1, total: order.length })}
            </span>
            <span>{text.get(id) ?? id}</span>
            <span class="cpq-moves">
              {([-1, 1] as const).map((delta) => {
                const up = delta < 0;
                const inert = up ? index === 0 : index === order.length - 1;
                return (
                  <button
                    key={delta}
                    type="button"
                    class="cpq-move"
                    ref={(el) => {
                      if (el) buttons.current.set(`${id}:${String(delta)}`, el);
                    }}
                    // Stays focusable at either end so focus is not lost when a step gets there.
                    aria-disabled={inert ? 'true' : undefined}
                    aria-label={format(up ? t.moveUpLabel : t.moveDownLabel, {
                      step: text.get(id) ?? id,
                    })}
                    onClick={() => {
                      move(index, delta);
                    }}
                  >
                    <span aria-hidden="true">{up ? '↑ ' : '↓ '}</span>
                    {up ? t.moveUp : t.moveDown}
                  </button>
                );
              })}
            </span>
          </li>
        ))}
      </ol>
    </fieldset>
  );
}

function Field(props: FieldProps) {
  const { q, value, onChange, idBase, t } = props;
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'true-false': {
      const multi = q.type === 'multiple-response';
      const options =
        q.type === 'true-false'
          ? [
              { id: 'true', text: t.true },
              { id: 'false', text: t.false },
            ]
          : q.options;
      const chosen =
        q.type === 'true-false'
          ? typeof value === 'boolean'
            ? [String(value)]
            : []
          : Array.isArray(value)
            ? value
            : [];
      return (
        <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`}>
          <legend class="cpq-prompt">{q.prompt}</legend>
          <p class="cpq-hint" id={`${idBase}-hint`}>
            {q.type === 'true-false' ? t.trueFalse : multi ? t.chooseMany : t.chooseOne}
          </p>
          <ul class="cpq-options">
            {options.map((o) => {
              const id = `${idBase}-${o.id}`;
              return (
                <li key={o.id} class="cpq-option">
                  <input
                    id={id}
                    type={multi ? 'checkbox' : 'radio'}
                    name={idBase}
                    value={o.id}
                    data-option-id={o.id}
                    checked={chosen.includes(o.id)}
                    onChange={(event) => {
                      if (q.type === 'true-false') onChange(o.id === 'true');
                      else if (!multi) onChange([o.id]);
                      else
                        onChange(
                          event.currentTarget.checked
                            ? [...chosen, o.id]
                            : chosen.filter((c) => c !== o.id),
                        );
                    }}
                  />
                  <label for={id}>{o.text}</label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      );
    }
    case 'matching': {
      const map = (value ?? {}) as Record<string, string>;
      return (
        <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`}>
          <legend class="cpq-prompt">{q.prompt}</legend>
          <p class="cpq-hint" id={`${idBase}-hint`}>
            {t.matchHint}
          </p>
          <ul class="cpq-match">
            {q.items.map((item) => {
              const id = `${idBase}-${item.id}`;
              return (
                <li key={item.id} class="cpq-match-item" data-item-id={item.id}>
                  <label for={id}>{item.text}</label>
                  <select
                    id={id}
                    value={map[item.id] ?? ''}
                    onChange={(event) => {
                      onChange({ ...map, [item.id]: event.currentTarget.value });
                    }}
                  >
                    <option value="">{t.selectPlaceholder}</option>
                    {q.targets.map((target) => (
                      <option key={target.id} value={target.id}>
                        {target.text}
                      </option>
                    ))}
                  </select>
                </li>
              );
            })}
          </ul>
        </fieldset>
      );
    }
    case 'ordering':
      return <Ordering {...props} q={q} />;
    case 'scenario': {
      const s = (value ?? {}) as { decision?: string; followUp?: Answer };
      return (
        <div>
          <div class="cpq-case">
            <p class="cpq-case-label">{t.scenario}</p>
            <p>{q.scenario}</p>
          </div>
          <Field
            {...props}
            q={{ id: q.id, type: 'single-choice', prompt: q.prompt, options: q.options }}
            value={s.decision === undefined ? undefined : [s.decision]}
            onChange={(v) => {
              onChange({ ...s, decision: (v as string[])[0] ?? '' });
            }}
          />
          {q.followUp && (
            <div class="cpq-followup">
              <p class="cpq-case-label">{t.followUp}</p>
              <Field
                {...props}
                q={q.followUp}
                idBase={`${idBase}-f`}
                value={s.followUp}
                onChange={(v) => {
                  onChange({ ...s, followUp: v });
                }}
              />
            </div>
          )}
        </div>
      );
    }
  }
}

/**
 * The graded assessment of a track: questions fetched without their key using the learner's own
 * credential, answers sent to the service, which alone scores them; then the learner's status,
 * with a link to the certificate once the service has issued it.
 */
export default function Assessment({ track, lang, modules, t }: Props) {
  const [learner, setLearner] = useState<Learner | undefined>(undefined);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
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
      <p class="cpq-sr-only" aria-live="polite">
        {live}
      </p>
      <p>
        {format(t.signedInAs, { name: learner.actor.name ?? '' })}{' '}
        {format(t.passMark, { percent: percent(data.masteryScore) })}
      </p>
      {statusView}
      {data.questions.map((q, i) => (
        <section
          key={q.id}
          class="cpq-question"
          aria-labelledby={`aq-${q.id}-h`}
          data-question-id={q.id}
        >
          <h2 class="cpq-heading" id={`aq-${q.id}-h`}>
            {format(t.questionOf, { n: i + 1, total: data.questions.length })}
          </h2>
          <Field
            q={q}
            idBase={`aq-${q.id}`}
            value={answers[q.id]}
            onChange={(v) => {
              setAnswers((prev) => ({ ...prev, [q.id]: v }));
            }}
            t={t}
            announce={setLive}
          />
        </section>
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
