import preactRenderer from '@astrojs/preact/server.js';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import QuizStatic from '../../../src/components/QuizStatic.astro';
import strings from '../../../src/i18n/en/quiz.json';
import Quiz from '../../../src/islands/Quiz.tsx';
import { QuestionView } from '../../../src/islands/questions/QuestionView.tsx';
import type { Question } from '../../../src/schemas/quiz.ts';
import { staticQuizId } from '../../../src/quiz/client.ts';
import { scoreQuestion, type QuestionResponse } from '../../../src/quiz/scoring.ts';
import { quizDataSchema } from '../../../src/quiz/validate.ts';
import { rawQuiz } from './fixture.ts';

const quiz = quizDataSchema.parse(rawQuiz());

function find(id: string): Question {
  const question = quiz.questions.find((candidate) => candidate.id === id);
  if (!question) throw new Error(`no fixture question ${id}`);
  return question;
}

function view(id: string, response: QuestionResponse | undefined, checked: boolean): string {
  const question = find(id);
  return renderToString(
    h(QuestionView, {
      question,
      original: question,
      response,
      onChange: () => undefined,
      // The fixture's questions are as written, which is what scoreQuestion takes.
      reveal: checked
        ? { strings, score: (shown, answer) => scoreQuestion(shown as Question, answer) }
        : undefined,
      strings,
      idBase: `t-${id}`,
      heading: 'Question 1 of 6',
      announce: () => undefined,
    }),
  );
}

describe('QuestionView', () => {
  it('renders a single choice as radios in a fieldset named by its legend', () => {
    const html = view('q1', undefined, false);
    expect(html).toContain('data-question-id="q1"');
    expect(html).toMatch(/<fieldset[^>]*><legend class="cpq-prompt">Who leads child protection/);
    expect(html.match(/type="radio"/g)).toHaveLength(3);
    expect(html).toMatch(/<input type="radio" id="t-q1-cpa" name="t-q1"[^>]*data-option-id="cpa"/);
    expect(html).toContain('<label for="t-q1-cpa">');
  });

  it('reveals nothing before checking', () => {
    for (const id of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6']) {
      const html = view(id, undefined, false);
      expect(html).not.toContain(strings.correctAnswer);
      expect(html).not.toContain(find(id).explanation);
      expect(html).not.toContain('✓');
    }
  });

  it('renders multiple response as checkboxes', () => {
    expect(view('q2', [], false).match(/type="checkbox"/g)).toHaveLength(4);
  });

  it('marks a checked answer with a word and an icon, with the option feedback and explanation', () => {
    const html = view('q1', ['ops'], true);
    expect(html).toMatch(/✗ <\/span>Incorrect/);
    expect(html).toMatch(/✓ <\/span>Correct answer/);
    expect(html).toContain('No.');
    expect(html).toContain('The child protection adviser leads it.');
    expect(html).toMatch(/<fieldset[^>]*disabled/);
  });

  it('says "partly correct" for partial credit', () => {
    expect(view('q2', ['recruit'], true)).toMatch(/◐ <\/span>Partly correct/);
  });

  it('renders true/false as two radios', () => {
    const html = view('q3', true, true);
    expect(html).toContain('data-option-id="true"');
    expect(html).toContain('data-option-id="false"');
    expect(html).toMatch(/✗ <\/span>Incorrect/);
  });

  it('renders a labelled native select per matching item, with a placeholder', () => {
    const html = view('q4', { cpa: 'mission' }, false);
    expect(html.match(/<select/g)).toHaveLength(4);
    expect(html).toContain('<label for="t-q4-unicef">UNICEF</label>');
    expect(html.match(/<option (?:selected )?value>Choose…<\/option>/g)).toHaveLength(4);
    expect(html).toContain('<option selected value="mission">');
  });

  it('names the right group of a wrongly matched item after checking', () => {
    expect(view('q4', { unicef: 'mission' }, true)).toContain(
      'Correct group: UN agencies and NGOs',
    );
  });

  it('renders ordering steps with labelled move buttons, the ends marked aria-disabled', () => {
    const html = view('q5', ['inform', 'safe', 'refer', 'record'], false);
    expect(html.match(/data-step-id=/g)).toHaveLength(4);
    expect(html).toContain('aria-label="Move up: Inform the child protection adviser"');
    expect(html).toContain('Step 1 of 4');
    expect(html.match(/aria-disabled="true"/g)).toHaveLength(2);
    expect(html.indexOf('data-step-id="inform"')).toBeLessThan(html.indexOf('data-step-id="safe"'));
  });

  it('shows the right order only after checking', () => {
    const html = view('q5', ['inform', 'safe', 'refer', 'record'], true);
    expect(html).toContain(strings.correctOrder);
    expect(html).not.toContain('aria-label="Move up');
  });

  it('renders a scenario with its case, decision and follow-up', () => {
    const html = view('q6', { decision: 'handover' }, false);
    expect(html).toContain('At a checkpoint you find a boy of twelve');
    expect(html).toContain('data-option-id="handover"');
    expect(html).toContain('The boy should be questioned about his armed group.');
    expect(html).toContain('name="t-q6-q6-follow"');
  });
});

describe('Quiz island on the server', () => {
  it('renders only an empty root, so the page shows the static version until it runs', () => {
    const html = renderToString(h(Quiz, { quiz, strings, lang: 'en' }));
    expect(html).toBe('<div class="cpq" data-quiz-id="coordination-check"></div>');
  });
});

describe('QuizStatic', () => {
  async function renderStatic(answers: boolean): Promise<string> {
    const container = await AstroContainer.create();
    // The fallback renders the island's Preact question renderer at build, with no script.
    container.addServerRenderer({ name: '@astrojs/preact', renderer: preactRenderer });
    // Type-aware lint cannot follow an .astro import from TypeScript; astro check types it instead.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
    return container.renderToString(QuizStatic, { props: { quiz, strings, answers } });
  }

  it('lists every question readably without giving answers away', async () => {
    const html = await renderStatic(false);
    expect(html).toContain(`id="${staticQuizId(quiz)}"`);
    expect(html.match(/data-static-question-id=/g)).toHaveLength(6);
    expect(html).not.toContain('data-question-id=');
    for (const question of quiz.questions) {
      expect(html).toContain(question.prompt);
      expect(html).not.toContain(question.explanation);
    }
    expect(html).toContain('A child protection NGO');
    expect(html).toContain('National and local government');
    expect(html).not.toContain('Right.');
    const steps = ['Make the child safe', 'Inform the child', 'Refer to a service', 'Record what'];
    const positions = steps.map((step) => html.indexOf(step));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect(positions).not.toEqual([...positions].sort((a, b) => a - b));
    for (const key of [strings.correctAnswer, strings.correctOrder, 'Correct group:', '✓']) {
      expect(html).not.toContain(key);
    }
  });

  it('renders the same labelled controls as the island, read-only, with nothing to move', async () => {
    const html = await renderStatic(false);
    const base = 'cpqs-1';
    expect(html).toMatch(/<fieldset[^>]*disabled[^>]*><legend class="cpq-prompt">Who leads/);
    expect(html).toContain(`<label for="${base}-cpa">`);
    expect(html.match(/<select[^>]*disabled/g)).toHaveLength(4);
    expect(html).not.toContain('aria-label="Move up');
  });

  it("marks the right answers in the trainer's key, without verdicts or explanations", async () => {
    const html = await renderStatic(true);
    expect(html).toContain(strings.correctAnswer);
    expect(html).toContain(strings.correctOrder);
    expect(html).toContain('Correct group: UN agencies and NGOs');
    expect(html).not.toContain(strings.yourAnswer);
    for (const question of quiz.questions) expect(html).not.toContain(question.explanation);
  });
});
