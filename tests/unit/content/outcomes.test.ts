import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Every module is assessed: each module has a knowledge check of at least MIN_QUESTIONS questions
 * of at least MIN_TYPES types, every learning outcome is assessed by at least one question (a
 * scenario's follow-up counts), and every <Term id="..."> in a module or its trainer notes has a
 * glossary file in the same language.
 */

/** The fewest questions a module's quiz may have. */
export const MIN_QUESTIONS = 8;
/** The fewest distinct question types a module's quiz may use. */
export const MIN_TYPES = 4;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const contentDir = path.join(repoRoot, 'content');

/** The parts of a module's frontmatter this check needs. */
export interface ModuleFacts {
  /** Path of the module file, for messages. */
  file: string;
  id: string;
  lang: string;
  outcomes: { id: string; text?: string | undefined }[];
}

/** A question as far as this check is concerned: its type, its outcomes, its follow-up. */
export interface QuestionFacts {
  id: string;
  type: string;
  outcomes: string[];
  followUp?: QuestionFacts | undefined;
}

/** The parts of a quiz this check needs. */
export interface QuizFacts {
  /** Path of the quiz file, for messages. */
  file: string;
  questions: QuestionFacts[];
}

/**
 * Checks that a module is properly assessed by its quiz. Returns one message per problem, each
 * naming the module (and the outcome, where one is at fault); an empty list means all is well.
 */
export function checkModuleAssessment(module: ModuleFacts, quiz: QuizFacts | undefined): string[] {
  const name = `module "${module.id}" (${module.file})`;
  if (quiz === undefined) {
    return [
      `${name} has no quiz: expected content/quizzes/${module.lang}/${module.id}.yaml with module: ${module.id}`,
    ];
  }
  const problems: string[] = [];
  if (quiz.questions.length < MIN_QUESTIONS) {
    problems.push(
      `${name}: quiz ${quiz.file} has ${quiz.questions.length} question(s); at least ${MIN_QUESTIONS} are needed`,
    );
  }
  const types = new Set(quiz.questions.map((question) => question.type));
  if (types.size < MIN_TYPES) {
    problems.push(
      `${name}: quiz ${quiz.file} uses ${types.size} question type(s) (${[...types].join(', ')}); at least ${MIN_TYPES} are needed`,
    );
  }
  const assessed = new Set<string>();
  for (const question of quiz.questions) {
    for (const outcome of question.outcomes) assessed.add(outcome);
    for (const outcome of question.followUp?.outcomes ?? []) assessed.add(outcome);
  }
  for (const outcome of module.outcomes) {
    if (!assessed.has(outcome.id)) {
      const text = outcome.text === undefined ? '' : ` ("${outcome.text.trim()}")`;
      problems.push(
        `${name}: learning outcome "${outcome.id}"${text} is assessed by no question in ${quiz.file}`,
      );
    }
  }
  return problems;
}

/** The ids of every <Term id="..."> in an MDX text, in order of first use, without repeats. */
export function termIds(source: string): string[] {
  const ids = [...source.matchAll(/<Term\s+id\s*=\s*["']([^"']+)["']/g)].map((match) => match[1]);
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/**
 * Checks that every term an MDX file links to has a glossary entry; returns one message per
 * missing term, naming the file and the glossary file expected.
 */
export function checkTerms(
  file: string,
  source: string,
  lang: string,
  glossaryIds: ReadonlySet<string>,
): string[] {
  return termIds(source)
    .filter((id) => !glossaryIds.has(id))
    .map(
      (id) => `${file}: <Term id="${id}"> has no glossary entry content/glossary/${lang}/${id}.yaml`,
    );
}

// Reading the content tree.

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function toQuestion(value: unknown): QuestionFacts {
  const record = isRecord(value) ? value : {};
  return {
    id: asString(record.id),
    type: asString(record.type),
    outcomes: asStrings(record.outcomes),
    followUp: record.followUp === undefined ? undefined : toQuestion(record.followUp),
  };
}

function relative(file: string): string {
  return path.relative(repoRoot, file);
}

/** Parses the YAML frontmatter of an MDX file, or returns an empty object when there is none. */
function frontmatter(source: string): Record<string, unknown> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(source);
  const data: unknown = match ? parse(match[1] ?? '') : {};
  return isRecord(data) ? data : {};
}

/** The language folders under a content directory, such as en and fr. */
function languages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => statSync(path.join(dir, entry)).isDirectory())
    .sort();
}

/** The files of one language folder with a given extension, sorted. */
function filesIn(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => entry.endsWith(ext))
    .sort()
    .map((entry) => path.join(dir, entry));
}

function readModule(file: string, lang: string): ModuleFacts {
  const data = frontmatter(readFileSync(file, 'utf8'));
  const outcomes = Array.isArray(data.outcomes) ? data.outcomes : [];
  return {
    file: relative(file),
    id: asString(data.id) || path.basename(file, '.mdx'),
    lang,
    outcomes: outcomes.filter(isRecord).map((outcome) => ({
      id: asString(outcome.id),
      text: typeof outcome.text === 'string' ? outcome.text : undefined,
    })),
  };
}

function readQuiz(moduleId: string, lang: string): QuizFacts | undefined {
  const file = path.join(contentDir, 'quizzes', lang, `${moduleId}.yaml`);
  if (!existsSync(file)) return undefined;
  const data: unknown = parse(readFileSync(file, 'utf8'));
  const questions = isRecord(data) && Array.isArray(data.questions) ? data.questions : [];
  return { file: relative(file), questions: questions.map(toQuestion) };
}

function glossaryIds(lang: string): Set<string> {
  return new Set(
    filesIn(path.join(contentDir, 'glossary', lang), '.yaml').map((file) =>
      path.basename(file, '.yaml'),
    ),
  );
}

// The checks' own tests: each rule must be able to fail.

describe('checkModuleAssessment', () => {
  const module: ModuleFacts = {
    file: 'content/modules/en/example.mdx',
    id: 'example',
    lang: 'en',
    outcomes: [
      { id: 'name-actors', text: 'Name the actors.' },
      { id: 'refer-case', text: 'Refer a case.' },
    ],
  };
  const types = ['single-choice', 'true-false', 'matching', 'ordering'];
  const goodQuiz: QuizFacts = {
    file: 'content/quizzes/en/example.yaml',
    questions: Array.from({ length: MIN_QUESTIONS }, (_, index) => ({
      id: `q${index}`,
      type: types[index % types.length] ?? 'single-choice',
      outcomes: [index === 0 ? 'refer-case' : 'name-actors'],
    })),
  };

  it('accepts a module whose quiz assesses every outcome with enough questions and types', () => {
    expect(checkModuleAssessment(module, goodQuiz)).toEqual([]);
  });

  it('names the module and the outcome that no question assesses', () => {
    const quiz: QuizFacts = {
      ...goodQuiz,
      questions: goodQuiz.questions.map((question) => ({ ...question, outcomes: ['name-actors'] })),
    };
    const problems = checkModuleAssessment(module, quiz);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('module "example"');
    expect(problems[0]).toContain('learning outcome "refer-case"');
  });

  it('counts an outcome assessed only by a scenario follow-up', () => {
    const quiz: QuizFacts = {
      ...goodQuiz,
      questions: [
        ...goodQuiz.questions
          .slice(1)
          .map((question) => ({ ...question, outcomes: ['name-actors'] })),
        {
          id: 'scenario',
          type: 'scenario',
          outcomes: ['name-actors'],
          followUp: { id: 'follow', type: 'true-false', outcomes: ['refer-case'] },
        },
      ],
    };
    expect(checkModuleAssessment(module, quiz)).toEqual([]);
  });

  it('fails a module without a quiz', () => {
    expect(checkModuleAssessment(module, undefined)).toEqual([
      expect.stringContaining('module "example" (content/modules/en/example.mdx) has no quiz'),
    ]);
  });

  it('fails a quiz with too few questions and too few types, and says which', () => {
    const quiz: QuizFacts = {
      file: 'content/quizzes/en/example.yaml',
      questions: [
        { id: 'a', type: 'single-choice', outcomes: ['name-actors'] },
        { id: 'b', type: 'single-choice', outcomes: ['refer-case'] },
        { id: 'c', type: 'true-false', outcomes: ['refer-case'] },
      ],
    };
    const problems = checkModuleAssessment(module, quiz);
    expect(problems).toEqual([
      expect.stringMatching(/has 3 question\(s\); at least 8 are needed/),
      expect.stringMatching(/uses 2 question type\(s\) \(single-choice, true-false\)/),
    ]);
  });
});

describe('checkTerms', () => {
  const source = 'The <Term id="cpa">CPA</Term> and <Term id="xyz">XYZ</Term>, then <Term id="cpa">CPA</Term>.';

  it('lists each term id once', () => {
    expect(termIds(source)).toEqual(['cpa', 'xyz']);
  });

  it('names the file and the missing glossary entry', () => {
    expect(checkTerms('content/modules/en/example.mdx', source, 'en', new Set(['cpa']))).toEqual([
      'content/modules/en/example.mdx: <Term id="xyz"> has no glossary entry content/glossary/en/xyz.yaml',
    ]);
  });

  it('accepts a file whose terms all have entries', () => {
    expect(checkTerms('x.mdx', source, 'en', new Set(['cpa', 'xyz']))).toEqual([]);
  });
});

// The content itself.

const modules = languages(path.join(contentDir, 'modules')).flatMap((lang) =>
  filesIn(path.join(contentDir, 'modules', lang), '.mdx').map((file) => readModule(file, lang)),
);

describe('every module is assessed by its knowledge check', () => {
  it('finds the modules', () => {
    expect(modules.length, 'no modules in content/modules/<lang>/').toBeGreaterThan(0);
  });

  it.each(modules.map((module) => [module.file, module] as const))('%s', (_file, module) => {
    const problems = checkModuleAssessment(module, readQuiz(module.id, module.lang));
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

const termFiles = ['modules', 'trainer-notes'].flatMap((kind) =>
  languages(path.join(contentDir, kind)).flatMap((lang) =>
    filesIn(path.join(contentDir, kind, lang), '.mdx').map((file) => ({ file, lang })),
  ),
);

describe('every <Term> in a module or trainer note has a glossary entry', () => {
  it.each(termFiles.map(({ file, lang }) => [relative(file), file, lang] as const))(
    '%s',
    (name, file, lang) => {
      const problems = checkTerms(name, readFileSync(file, 'utf8'), lang, glossaryIds(lang));
      expect(problems, problems.join('\n')).toEqual([]);
    },
  );
});
