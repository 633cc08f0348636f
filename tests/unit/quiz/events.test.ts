import { describe, expect, it } from 'vitest';
import { dispatchQuizEvent, onQuizEvent, QUIZ_EVENT } from '../../../src/quiz/events.ts';
import type { QuizEventDetail } from '../../../src/quiz/events.ts';

const started: QuizEventDetail = {
  kind: 'attempt-started',
  quizId: 'coordination-check',
  moduleId: 'coordination',
  lang: 'en',
  attempt: 1,
  timestamp: '2025-01-01T00:00:00.000Z',
  questionIds: ['q2', 'q1'],
};

describe('quiz events', () => {
  it('delivers the detail as a bubbling, composed CustomEvent', () => {
    const target = new EventTarget();
    const received: Event[] = [];
    target.addEventListener(QUIZ_EVENT, (event) => received.push(event));
    dispatchQuizEvent(target, started);
    expect(received).toHaveLength(1);
    const event = received[0] as CustomEvent<QuizEventDetail>;
    expect(event.detail).toEqual(started);
    expect(event.bubbles).toBe(true);
    expect(event.composed).toBe(true);
  });

  it('calls the handler until it stops listening', () => {
    const target = new EventTarget();
    const kinds: string[] = [];
    const stop = onQuizEvent(target, (detail) => kinds.push(detail.kind));
    dispatchQuizEvent(target, started);
    stop();
    dispatchQuizEvent(target, started);
    expect(kinds).toEqual(['attempt-started']);
  });
});
