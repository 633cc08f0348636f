import type { FollowUp, Question, Quiz } from '../schemas/quiz.ts';

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence, so an attempt's
 * questions and order can be rebuilt after a reload from its seed alone.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from a string (FNV-1a), for orders that must be the same on every build. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Returns a shuffled copy (Fisher-Yates); the input is left as it was. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const item = copy[index] as T;
    copy[index] = copy[other] as T;
    copy[other] = item;
  }
  return copy;
}

/**
 * Returns a shuffled copy that is never in the given order when there are two or more items:
 * ordering steps are written in their right order, and showing them that way gives the answer away.
 */
export function shuffleAwayFromOrder<T>(items: readonly T[], random: Random): T[] {
  if (items.length < 2) return [...items];
  const shuffled = shuffle(items, random);
  if (shuffled.every((item, index) => item === items[index])) {
    // A rotation by one is always a different order.
    return [...shuffled.slice(1), shuffled[0] as T];
  }
  return shuffled;
}

function arrangeFollowUp(question: FollowUp, random: Random, shuffleOptions: boolean): FollowUp {
  if (question.type === 'true-false' || !shuffleOptions) return question;
  return { ...question, options: shuffle(question.options, random) };
}

/**
 * Returns the question as it is shown: options and matching items shuffled when the quiz asks
 * for it (matching targets keep their written order, as categories read best that way), ordering
 * steps always shuffled away from the right order.
 */
export function arrangeQuestion(
  question: Question,
  random: Random,
  shuffleOptions: boolean,
): Question {
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
      return shuffleOptions
        ? { ...question, options: shuffle(question.options, random) }
        : question;
    case 'true-false':
      return question;
    case 'matching':
      return shuffleOptions ? { ...question, items: shuffle(question.items, random) } : question;
    case 'ordering':
      return { ...question, steps: shuffleAwayFromOrder(question.steps, random) };
    case 'scenario': {
      const options = shuffleOptions ? shuffle(question.options, random) : question.options;
      if (!question.followUp) return { ...question, options };
      return {
        ...question,
        options,
        followUp: arrangeFollowUp(question.followUp, random, shuffleOptions),
      };
    }
  }
}

/**
 * The questions of one attempt, drawn and arranged from the seed: `draw` questions from the pool
 * (all when unset), in a random order when shuffleQuestions is on, otherwise in pool order.
 */
export function planAttempt(quiz: Quiz, seed: number): Question[] {
  const random = createRandom(seed);
  const pool = quiz.questions;
  const count = Math.min(quiz.draw ?? pool.length, pool.length);
  let drawn: Question[];
  if (quiz.shuffleQuestions) {
    drawn = shuffle(pool, random).slice(0, count);
  } else {
    const keep = new Set(shuffle(pool, random).slice(0, count));
    drawn = pool.filter((question) => keep.has(question));
  }
  return drawn.map((question) => arrangeQuestion(question, random, quiz.shuffleOptions));
}
