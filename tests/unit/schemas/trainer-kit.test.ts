import { describe, expect, it } from 'vitest';
import { trainerKitSchema } from '../../../src/schemas/trainer-kit.ts';

// The session kit's rules (src/schemas/trainer-kit.ts): each must be able to fail.

const slide = (id: string) => ({
  id,
  title: `Slide ${id}`,
  points: ['One short line'],
  notes: 'Say it.',
});
const kit = {
  module: 'm',
  lang: 'en',
  objectives: ['Do one thing.', 'Do another.'],
  materials: ['Projector.'],
  plan: [
    { minutes: 60, activity: 'Opening', how: 'Talk.', slides: ['s1'] },
    { minutes: 45, activity: 'Cases', how: 'Groups.', cards: ['c1'] },
    { minutes: 15, activity: 'Break', how: 'Rest.' },
    { minutes: 60, activity: 'Close', how: 'Recap.', slides: ['s8'] },
  ],
  slides: ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'].map(slide),
  cards: ['c1', 'c2'].map((id) => ({
    id,
    title: 'A case',
    situation: 'At a checkpoint...',
    questions: ['What do you do?'],
    answerPoints: ['First this.', 'Then that.'],
  })),
  handouts: [
    { id: 'h', title: 'Key messages', sections: [{ heading: 'One', points: ['A point.'] }] },
  ],
  discussion: ['d1', 'd2', 'd3'].map((id) => ({
    id,
    question: 'Why?',
    answerPoints: ['A.', 'B.'],
  })),
};

const messages = (value: unknown) => {
  const result = trainerKitSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('trainer kit schema', () => {
  it('accepts a kit of three hours whose plan shows its own slides and cards', () => {
    expect(messages(kit)).toEqual([]);
  });

  it('names a plan that is not three hours, a twice-used id and a step showing what does not exist', () => {
    const bad = {
      ...kit,
      plan: [
        ...kit.plan.slice(0, 3),
        { minutes: 50, activity: 'Close', how: 'Recap.', slides: ['s9'], cards: ['c3'] },
      ],
      discussion: [...kit.discussion, { id: 'd1', question: 'Again?', answerPoints: ['A.', 'B.'] }],
    };
    expect(messages(bad)).toEqual([
      "plan: the plan's steps add up to 170 minutes, not 180 (a three-hour session)",
      'discussion.3.id: id "d1" is used twice',
      'plan.3.slides: no slide "s9"',
      'plan.3.cards: no card "c3"',
    ]);
  });

  it('keeps slides readable from the back of the room', () => {
    const crowded = {
      ...kit,
      slides: [{ ...slide('s1'), points: ['a1', 'b2', 'c3', 'd4', 'e5'] }, ...kit.slides.slice(1)],
    };
    expect(messages(crowded)).toEqual([
      'slides.0.points: a slide holds at most four lines: split it',
    ]);
  });
});
