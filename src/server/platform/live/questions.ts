import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { LivePublicQuestion, LiveReveal } from '../../../api/live.ts';
import { quizSchema, type Question, type Quiz } from '../../../schemas/quiz.ts';

/** The choice question a live question asks, read from a module's knowledge check. */
export interface LiveSource {
  quiz: Quiz;
  question: Question;
  kind: 'single' | 'multiple';
  scenario?: string;
  /** Option ids and texts with their key, in the file's order; true/false as "true", "false". */
  options: { id: string; text: string; correct: boolean; feedback?: string | undefined }[];
}

const TRUE_FALSE: Record<string, [string, string]> = {
  en: ['True', 'False'],
  fr: ['Vrai', 'Faux'],
};

/**
 * The questions a room can be asked: those of the knowledge checks in content/quizzes/<lang>/
 * that a phone answers with a tap or a few (single choice, multiple response, true/false, and
 * a scenario's decision). Matching and ordering stay in classroom mode.
 */
export async function loadLiveSources(root: string): Promise<Map<string, LiveSource>> {
  const sources = new Map<string, LiveSource>();
  const base = path.join(root, 'content', 'quizzes');
  let langs: string[];
  try {
    langs = await readdir(base);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sources;
    throw error;
  }
  for (const lang of langs.sort()) {
    const dir = path.join(base, lang);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
    for (const file of files) {
      const result = quizSchema.safeParse(parse(await readFile(path.join(dir, file), 'utf8')));
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(
          `${path.join(dir, file)}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const quiz = result.data;
      for (const question of quiz.questions) {
        const source = sourceOf(quiz, question);
        if (source !== null) sources.set(sourceKey(quiz.lang, quiz.module, question.id), source);
      }
    }
  }
  return sources;
}

/** The key of a question in loadLiveSources' map. */
export function sourceKey(lang: string, moduleId: string, questionId: string): string {
  return `${lang}/${moduleId}/${questionId}`;
}

function sourceOf(quiz: Quiz, question: Question): LiveSource | null {
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
      return {
        quiz,
        question,
        kind: question.type === 'single-choice' ? 'single' : 'multiple',
        options: question.options,
      };
    case 'scenario':
      return {
        quiz,
        question,
        kind: 'single',
        scenario: question.scenario,
        options: question.options,
      };
    case 'true-false': {
      const [yes, no] = TRUE_FALSE[quiz.lang] ?? TRUE_FALSE.en ?? ['True', 'False'];
      return {
        quiz,
        question,
        kind: 'single',
        options: [
          { id: 'true', text: yes, correct: question.answer, feedback: question.feedbackTrue },
          { id: 'false', text: no, correct: !question.answer, feedback: question.feedbackFalse },
        ],
      };
    }
    default:
      return null;
  }
}

/** The letter shown for the option at a position: A, B, C... */
export const letter = (index: number): string => String.fromCharCode(65 + index);

/** The question as the room sees it, options in the stored order, without its key. */
export function publicQuestion(
  id: string,
  source: LiveSource,
  order: readonly string[],
  startedAt: string,
): LivePublicQuestion {
  const byId = new Map(source.options.map((o) => [o.id, o]));
  return {
    id,
    moduleId: source.quiz.module,
    lang: source.quiz.lang,
    kind: source.kind,
    prompt: source.question.prompt,
    ...(source.scenario === undefined ? {} : { scenario: source.scenario }),
    options: order.map((optionId, i) => ({
      letter: letter(i),
      text: byId.get(optionId)?.text ?? '',
    })),
    startedAt,
  };
}

/** The key and the discussion points, by letter: sent only once the trainer reveals. */
export function revealOf(source: LiveSource, order: readonly string[]): LiveReveal {
  const byId = new Map(source.options.map((o) => [o.id, o]));
  const correct: string[] = [];
  const feedback: Record<string, string> = {};
  order.forEach((optionId, i) => {
    const option = byId.get(optionId);
    if (option?.correct === true) correct.push(letter(i));
    if (option?.feedback !== undefined) feedback[letter(i)] = option.feedback;
  });
  return { correct, explanation: source.question.explanation, feedback };
}
