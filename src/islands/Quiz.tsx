import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FollowUp, Question } from '../schemas/quiz.ts';
import { format } from '../i18n/format.ts';
import { percent, staticQuizId, storageKey } from '../quiz/client.ts';
import type { QuizIslandProps } from '../quiz/client.ts';
import { planAttempt } from '../quiz/draw.ts';
import { dispatchQuizEvent, onQuizRestore } from '../quiz/events.ts';
import type { QuizEventDetail } from '../quiz/events.ts';
import { loadProgress, parseProgress, saveProgress } from '../quiz/progress.ts';
import type { QuizProgress } from '../quiz/progress.ts';
import { hasResponse, scoreAttempt, scoreQuestion } from '../quiz/scoring.ts';
import type { QuestionResponse } from '../quiz/scoring.ts';
import { verdictOf } from './questions/QuestionField.tsx';
import { QuestionView } from './questions/QuestionView.tsx';
import type { Reveal } from './questions/shown.ts';
import './quiz/quiz.css';

type Focus = 'question' | 'results' | null;

// Distributive, so each event kind keeps its own fields once the shared ones are left out.
type EventBody<T> = T extends QuizEventDetail
  ? Omit<T, 'quizId' | 'moduleId' | 'lang' | 'timestamp'>
  : never;

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

/**
 * A quiz as a Preact island: one question at a time or all at once, check with feedback, score
 * against mastery, retry while attempts remain, review of answers. The server renders only an
 * empty root: the page shows QuizStatic until this runs, then the island hides it.
 */
export default function Quiz({ quiz, strings, lang }: QuizIslandProps) {
  const root = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const results = useRef<HTMLHeadingElement>(null);
  const [mounted, setMounted] = useState(false);
  const [progress, setProgress] = useState<QuizProgress>({ used: 0 });
  const [resumed, setResumed] = useState(false);
  const [message, setMessage] = useState({ text: '', serial: 0 });
  const [alertFor, setAlertFor] = useState<string | null>(null);
  const [focus, setFocus] = useState<Focus>(null);
  const [reviewing, setReviewing] = useState(false);
  const key = storageKey(quiz);
  const byId = useMemo(
    () => new Map(quiz.questions.map((question) => [question.id, question])),
    [quiz],
  );
  // A knowledge check carries its key and is scored here, so a checked question shows its
  // verdicts, feedback per option and explanation. The renderer hands back the question it was
  // given (or its follow-up), so the schema type holds.
  const feedback: Reveal = {
    strings,
    score: (question, response) => scoreQuestion(question as Question | FollowUp, response),
  };

  // The progress as loaded, and as it is now: a restore from another device replaces only
  // progress the learner has not changed on this page.
  const loaded = useRef<QuizProgress | null>(null);
  const latest = useRef<QuizProgress>(progress);
  latest.current = progress;

  useEffect(() => {
    const stored = loadProgress(storage(), key);
    loaded.current = stored;
    latest.current = stored;
    setProgress(stored);
    setResumed(stored.current !== undefined);
    setMounted(true);
    document.getElementById(staticQuizId(quiz))?.setAttribute('hidden', '');
    return onQuizRestore(document, (offer) => {
      if (offer.key !== key || latest.current !== loaded.current) return false;
      const restored = parseProgress(JSON.stringify(offer.value));
      loaded.current = restored;
      latest.current = restored;
      setProgress(restored);
      setResumed(restored.current !== undefined);
      return true;
    });
  }, [key, quiz]);

  useEffect(() => {
    if (mounted) saveProgress(storage(), key, progress);
  }, [mounted, key, progress]);

  // Focus moves once per navigation, after the new content is in the page.
  useEffect(() => {
    if (focus === null) return;
    (focus === 'results' ? results : heading).current?.focus();
    setFocus(null);
  }, [focus]);

  const { current, last } = progress;
  const seed = current?.seed ?? last?.seed;
  const plan = useMemo(() => (seed === undefined ? [] : planAttempt(quiz, seed)), [quiz, seed]);

  if (!mounted) return <div class="cpq" data-quiz-id={quiz.id} ref={root} />;

  const allowed = quiz.attempts;
  const left = allowed === 'unlimited' ? 'unlimited' : Math.max(0, allowed - progress.used);
  const canStart = left === 'unlimited' || left > 0;
  const mastery = percent(quiz.masteryScore);

  const announce = (text: string) => {
    setMessage((previous) => ({ text, serial: previous.serial + 1 }));
  };

  const emit = (body: EventBody<QuizEventDetail>) => {
    if (!root.current) return;
    dispatchQuizEvent(root.current, {
      ...body,
      quizId: quiz.id,
      moduleId: quiz.module,
      lang,
      timestamp: new Date().toISOString(),
    });
  };

  const emitAnswered = (
    attempt: number,
    question: Question,
    response: QuestionResponse | undefined,
  ) => {
    // Scored against the question as written: a shown ordering question has its steps shuffled.
    const written = byId.get(question.id) ?? question;
    const score = scoreQuestion(written, response);
    const outcomes = [
      ...question.outcomes,
      ...(question.type === 'scenario' && question.followUp ? question.followUp.outcomes : []),
    ];
    emit({
      kind: 'question-answered',
      attempt,
      questionId: question.id,
      type: question.type,
      response,
      score,
      correct: score >= 1,
      outcomes: [...new Set(outcomes)],
      question: written,
    });
    return score;
  };

  const start = () => {
    if (!canStart) return;
    const newSeed = Math.floor(Math.random() * 2 ** 32);
    const attempt = progress.used + 1;
    setProgress({
      used: attempt,
      current: {
        attempt,
        seed: newSeed,
        startedAt: Date.now(),
        index: 0,
        responses: {},
        checked: [],
      },
    });
    setReviewing(false);
    setResumed(false);
    setAlertFor(null);
    setFocus('question');
    emit({
      kind: 'attempt-started',
      attempt,
      questionIds: planAttempt(quiz, newSeed).map((question) => question.id),
    });
  };

  const finish = () => {
    if (!current) return;
    const { responses } = current;
    for (const question of plan) {
      // In the all-on-one-page view a learner may finish with questions left unchecked.
      if (!current.checked.includes(question.id)) {
        emitAnswered(current.attempt, question, responses[question.id]);
      }
    }
    const score = scoreAttempt(
      plan.map((question) => byId.get(question.id) ?? question),
      responses,
      quiz.masteryScore,
    );
    const leftAfter = allowed === 'unlimited' ? 'unlimited' : Math.max(0, allowed - progress.used);
    setProgress({
      used: progress.used,
      last: { attempt: current.attempt, seed: current.seed, responses, score },
    });
    setFocus('results');
    announce(
      `${format(strings.score, { score: percent(score.scaled) })}. ${
        score.success ? strings.passed : leftAfter === 0 ? strings.failedFinal : strings.failed
      }`,
    );
    emit({
      kind: 'attempt-finished',
      attempt: current.attempt,
      ...score,
      masteryScore: quiz.masteryScore,
      durationMs: Math.max(0, Date.now() - current.startedAt),
      attemptsLeft: leftAfter,
    });
  };

  const title = <h2 class="cpq-title">{quiz.title}</h2>;
  const live = (
    <div class="visually-hidden" aria-live="polite" aria-atomic="true">
      {message.text && <p key={message.serial}>{message.text}</p>}
    </div>
  );
  const idBase = (question: Question, prefix = 'q') => `cpq-${quiz.id}-${prefix}-${question.id}`;

  if (current) {
    const unchecked = plan.filter((question) => !current.checked.includes(question.id));
    const setResponse = (question: Question, response: QuestionResponse) => {
      setAlertFor(null);
      setProgress({
        ...progress,
        current: { ...current, responses: { ...current.responses, [question.id]: response } },
      });
    };
    const check = (question: Question) => {
      const response = current.responses[question.id];
      if (!hasResponse(question, response)) {
        setAlertFor(question.id);
        announce(strings.answerFirst);
        return;
      }
      setAlertFor(null);
      const responses =
        response === undefined
          ? current.responses
          : { ...current.responses, [question.id]: response };
      setProgress({
        ...progress,
        current: { ...current, responses, checked: [...current.checked, question.id] },
      });
      const score = emitAnswered(current.attempt, question, response);
      announce(`${verdictOf(score, strings)[2]}. ${question.explanation}`);
    };
    const goTo = (index: number) => {
      setAlertFor(null);
      setProgress({ ...progress, current: { ...current, index } });
      setFocus('question');
    };

    // One button per question that changes from "check" to "next" in place, so focus stays on it.
    const action = (question: Question, index: number) => {
      const isChecked = current.checked.includes(question.id);
      const done = unchecked.length === 0 || (unchecked.length === 1 && !isChecked);
      let label = strings.check;
      let onClick = () => {
        check(question);
      };
      if (isChecked && quiz.display === 'one-at-a-time') {
        const isLast = index === plan.length - 1;
        label = isLast ? strings.finish : strings.next;
        onClick = isLast
          ? finish
          : () => {
              goTo(index + 1);
            };
      } else if (isChecked) {
        label = done ? strings.finish : strings.next;
        onClick = done
          ? finish
          : () => {
              const next = unchecked.find((other) => plan.indexOf(other) > index) ?? unchecked[0];
              document.getElementById(`${idBase(next ?? question)}-heading`)?.focus();
            };
      }
      return (
        <div class="cpq-actions">
          {quiz.display === 'one-at-a-time' && index > 0 && (
            <button
              type="button"
              class="cpq-button cpq-button--secondary"
              onClick={() => {
                goTo(index - 1);
              }}
            >
              {strings.previous}
            </button>
          )}
          <button type="button" class="cpq-button" onClick={onClick}>
            {label}
          </button>
        </div>
      );
    };

    const view = (question: Question, index: number) => {
      const isChecked = current.checked.includes(question.id);
      return (
        <QuestionView
          key={`${current.attempt}-${question.id}`}
          question={question}
          original={byId.get(question.id)}
          response={current.responses[question.id]}
          onChange={(response) => {
            setResponse(question, response);
          }}
          reveal={isChecked ? feedback : undefined}
          strings={strings}
          idBase={idBase(question)}
          heading={
            quiz.display === 'one-at-a-time'
              ? format(strings.questionOf, { n: index + 1, total: plan.length })
              : format(strings.question, { n: index + 1 })
          }
          headingRef={index === current.index ? heading : undefined}
          announce={announce}
          alert={alertFor === question.id ? strings.answerFirst : undefined}
        >
          {action(question, index)}
        </QuestionView>
      );
    };

    const index = Math.min(current.index, plan.length - 1);
    const shown = plan[index];
    return (
      <div class="cpq" data-quiz-id={quiz.id} ref={root}>
        {title}
        {resumed && <p class="cpq-info">{strings.resume}</p>}
        {quiz.display === 'all'
          ? plan.map((question, position) => view(question, position))
          : shown && view(shown, index)}
        {live}
      </div>
    );
  }

  const intro = (
    <p>
      {quiz.draw !== undefined && quiz.draw < quiz.questions.length
        ? format(strings.introPool, { count: quiz.draw, pool: quiz.questions.length, mastery })
        : format(strings.intro, { count: quiz.questions.length, mastery })}
    </p>
  );
  const attemptsText = (
    <p>
      {left === 'unlimited'
        ? strings.attemptsUnlimited
        : left === 0
          ? strings.noAttemptsLeft
          : format(strings.attemptsLeft, { count: left })}
    </p>
  );

  if (last) {
    const { score } = last;
    return (
      <div class="cpq" data-quiz-id={quiz.id} ref={root}>
        {title}
        <section class="cpq-results" aria-labelledby={`cpq-${quiz.id}-results`}>
          <h3 class="cpq-heading" id={`cpq-${quiz.id}-results`} tabIndex={-1} ref={results}>
            {strings.results}
          </h3>
          <p class="cpq-score">{format(strings.score, { score: percent(score.scaled) })}</p>
          <p>{format(strings.masteryNeeded, { mastery })}</p>
          <p class={`cpq-verdict cpq-verdict--${score.success ? 'right' : 'wrong'}`}>
            <span aria-hidden="true">{score.success ? '✓ ' : '✗ '}</span>
            {score.success ? strings.passed : canStart ? strings.failed : strings.failedFinal}
          </p>
          {attemptsText}
          <div class="cpq-actions">
            <button
              type="button"
              class="cpq-button cpq-button--secondary"
              aria-expanded={reviewing}
              aria-controls={`cpq-${quiz.id}-review`}
              onClick={() => {
                setReviewing(!reviewing);
              }}
            >
              {strings.review}
            </button>
            {canStart && (
              <button type="button" class="cpq-button" onClick={start}>
                {strings.retry}
              </button>
            )}
          </div>
          <div id={`cpq-${quiz.id}-review`} class="cpq-review" hidden={!reviewing}>
            {reviewing &&
              plan.map((question, index) => (
                <QuestionView
                  key={question.id}
                  question={question}
                  original={byId.get(question.id)}
                  response={last.responses[question.id]}
                  reveal={feedback}
                  strings={strings}
                  idBase={idBase(question, 'review')}
                  heading={format(strings.question, { n: index + 1 })}
                  announce={announce}
                />
              ))}
          </div>
        </section>
        {live}
      </div>
    );
  }

  return (
    <div class="cpq" data-quiz-id={quiz.id} ref={root}>
      {title}
      {intro}
      {attemptsText}
      {canStart && (
        <div class="cpq-actions">
          <button type="button" class="cpq-button" onClick={start}>
            {strings.start}
          </button>
        </div>
      )}
      {live}
    </div>
  );
}
