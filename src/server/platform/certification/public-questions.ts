import { randomInt } from 'node:crypto';
import type { FollowUp, Question } from '../../../schemas/quiz.ts';
import type { Assessment } from './rules.ts';

/** A choice as the browser sees it: no `correct`, no feedback. */
export interface PublicChoice {
  id: string;
  text: string;
}

/** A question as the browser sees it: the prompt and what to choose from, never the key. */
export type PublicQuestion =
  | {
      id: string;
      type: 'single-choice' | 'multiple-response';
      prompt: string;
      options: PublicChoice[];
    }
  | { id: string; type: 'true-false'; prompt: string }
  | {
      id: string;
      type: 'matching';
      prompt: string;
      targets: PublicChoice[];
      items: PublicChoice[];
    }
  | { id: string; type: 'ordering'; prompt: string; steps: PublicChoice[] }
  | {
      id: string;
      type: 'scenario';
      prompt: string;
      scenario: string;
      options: PublicChoice[];
      followUp?: PublicQuestion;
    };

/** An assessment as the browser sees it. */
export interface PublicAssessment {
  id: string;
  track: string;
  lang: string;
  title: string;
  questions: PublicQuestion[];
}

/** A Fisher-Yates shuffle with the CSPRNG, so the order says nothing about the key. */
export function shuffled<T>(list: readonly T[]): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const choices = (list: readonly { id: string; text: string }[]): PublicChoice[] =>
  shuffled(list.map(({ id, text }) => ({ id, text })));

/** Strips the answer key from one question: options, items and steps shuffled, no targets. */
export function publicQuestion(q: Question | FollowUp): PublicQuestion {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return { id: q.id, type: q.type, prompt: q.prompt, options: choices(q.options) };
    case 'true-false':
      return { id: q.id, type: q.type, prompt: q.prompt };
    case 'matching':
      return {
        id: q.id,
        type: q.type,
        prompt: q.prompt,
        targets: choices(q.targets),
        items: choices(q.items),
      };
    case 'ordering':
      return { id: q.id, type: q.type, prompt: q.prompt, steps: choices(q.steps) };
    case 'scenario':
      return {
        id: q.id,
        type: q.type,
        prompt: q.prompt,
        scenario: q.scenario,
        options: choices(q.options),
        ...(q.followUp === undefined ? {} : { followUp: publicQuestion(q.followUp) }),
      };
  }
}

/** The assessment without its key, questions in a fresh random order. */
export function publicAssessment(a: Assessment): PublicAssessment {
  return {
    id: a.id,
    track: a.track,
    lang: a.lang,
    title: a.title,
    questions: shuffled(a.questions).map(publicQuestion),
  };
}
