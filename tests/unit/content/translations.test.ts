import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The French course is a translation of the English one: every English content file has a French
 * file of the same name, and the reverse, and both languages share every id. Ids become xAPI
 * activity and interaction ids, scoring depends on the correct flags, and certification depends on
 * the track module lists, so only the text a learner reads may differ between the two files.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const contentDir = path.join(repoRoot, 'content');

/** The source language and the language that must mirror it. */
const SOURCE = 'en';
const TARGET = 'fr';

/** The kinds of content, each a folder of content/ with one sub-folder per language. */
export const KINDS = ['modules', 'quizzes', 'trainer-notes', 'glossary', 'tracks'] as const;
export type Kind = (typeof KINDS)[number];

/** One file of a language pair: where it is (for messages) and its parsed data. */
export interface Side {
  file: string;
  data: unknown;
}

// Reading values without trusting their shape: a malformed file gives a readable mismatch here
// and a schema error in the build.

type Value = Record<string, unknown>;

function isRecord(value: unknown): value is Value {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function record(value: unknown): Value {
  return isRecord(value) ? value : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function ids(value: unknown): unknown[] {
  return list(value).map((item) => record(item).id);
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/**
 * Collects the differences between the two sides of a pair. Each message names the target file,
 * the field, both values and the source file, such as:
 * content/quizzes/fr/x.yaml: questions["q1"].options[].correct is [true,false], but
 * content/quizzes/en/x.yaml has [false,true]
 */
class Differences {
  readonly messages: string[] = [];
  private readonly source: string;
  private readonly target: string;

  constructor(source: string, target: string) {
    this.source = source;
    this.target = target;
  }

  same(field: string, sourceValue: unknown, targetValue: unknown): void {
    if (JSON.stringify(sourceValue) !== JSON.stringify(targetValue)) {
      this.messages.push(
        `${this.target}: ${field} is ${show(targetValue)}, but ${this.source} has ${show(sourceValue)}`,
      );
    }
  }
}

function differences(source: Side, target: Side): Differences {
  return new Differences(source.file, target.file);
}

/** Module frontmatter: ids, outcome ids, prerequisites, order, version, audience, minutes. */
export function compareModule(source: Side, target: Side): string[] {
  const diff = differences(source, target);
  const en = record(source.data);
  const fr = record(target.data);
  diff.same('id', en.id, fr.id);
  diff.same('outcomes[].id', ids(en.outcomes), ids(fr.outcomes));
  diff.same('prerequisites', en.prerequisites ?? [], fr.prerequisites ?? []);
  diff.same('order', en.order, fr.order);
  diff.same('version', en.version, fr.version);
  diff.same('audience', en.audience, fr.audience);
  diff.same('minutes', en.minutes, fr.minutes);
  return diff.messages;
}

/** Quiz settings, with the schema's defaults, so that an omitted default equals the default. */
function settings(quiz: Value): Value {
  return {
    masteryScore: quiz.masteryScore,
    attempts: quiz.attempts ?? 'unlimited',
    draw: quiz.draw,
    display: quiz.display ?? 'one-at-a-time',
    shuffleQuestions: quiz.shuffleQuestions ?? true,
    shuffleOptions: quiz.shuffleOptions ?? true,
  };
}

/** Compares one question (or follow-up) of a quiz with its counterpart. */
function compareQuestion(diff: Differences, field: string, en: Value, fr: Value): void {
  diff.same(`${field}.type`, en.type, fr.type);
  diff.same(`${field}.outcomes`, en.outcomes, fr.outcomes);
  diff.same(`${field}.weight`, en.weight ?? 1, fr.weight ?? 1);
  diff.same(`${field}.options[].id`, ids(en.options), ids(fr.options));
  const correct = (options: unknown) => list(options).map((option) => record(option).correct ?? false);
  diff.same(`${field}.options[].correct`, correct(en.options), correct(fr.options));
  diff.same(`${field}.answer`, en.answer, fr.answer);
  diff.same(`${field}.targets[].id`, ids(en.targets), ids(fr.targets));
  diff.same(`${field}.items[].id`, ids(en.items), ids(fr.items));
  const targets = (items: unknown) => list(items).map((item) => record(item).target);
  diff.same(`${field}.items[].target`, targets(en.items), targets(fr.items));
  diff.same(`${field}.steps[].id`, ids(en.steps), ids(fr.steps));
  diff.same(`${field}.followUp.id`, record(en.followUp).id, record(fr.followUp).id);
  if (isRecord(en.followUp) && isRecord(fr.followUp)) {
    compareQuestion(diff, `${field}.followUp`, en.followUp, fr.followUp);
  }
}

/**
 * Quiz: id, module, settings, the question ids in order, and for each question its type,
 * outcomes, weight, option/target/item/step ids in order, correct flags, true/false answer, item
 * targets and follow-up. Questions are paired by id, so one missing question gives one message.
 */
export function compareQuiz(source: Side, target: Side): string[] {
  const diff = differences(source, target);
  const en = record(source.data);
  const fr = record(target.data);
  diff.same('id', en.id, fr.id);
  diff.same('module', en.module, fr.module);
  const enSettings = settings(en);
  const frSettings = settings(fr);
  for (const key of Object.keys(enSettings)) diff.same(key, enSettings[key], frSettings[key]);
  diff.same('questions[].id', ids(en.questions), ids(fr.questions));
  const frQuestions = new Map(list(fr.questions).map((question) => [record(question).id, question]));
  for (const question of list(en.questions)) {
    const enQuestion = record(question);
    const frQuestion = frQuestions.get(enQuestion.id);
    if (isRecord(frQuestion)) {
      compareQuestion(diff, `questions[${show(enQuestion.id)}]`, enQuestion, frQuestion);
    }
  }
  return diff.messages;
}

/** Track: id, audience, order and the module list in order. */
export function compareTrack(source: Side, target: Side): string[] {
  const diff = differences(source, target);
  const en = record(source.data);
  const fr = record(target.data);
  diff.same('id', en.id, fr.id);
  diff.same('modules', en.modules, fr.modules);
  diff.same('audience', en.audience, fr.audience);
  diff.same('order', en.order, fr.order);
  return diff.messages;
}

/** Trainer notes: the module they belong to and the session length. */
export function compareTrainerNotes(source: Side, target: Side): string[] {
  const diff = differences(source, target);
  const en = record(source.data);
  const fr = record(target.data);
  diff.same('module', en.module, fr.module);
  diff.same('sessionMinutes', en.sessionMinutes, fr.sessionMinutes);
  return diff.messages;
}

/** Glossary entries carry no ids besides their file name, which the pairing already checks. */
function compareNothing(): string[] {
  return [];
}

const COMPARE: Record<Kind, (source: Side, target: Side) => string[]> = {
  modules: compareModule,
  quizzes: compareQuiz,
  'trainer-notes': compareTrainerNotes,
  glossary: compareNothing,
  tracks: compareTrack,
};

/**
 * Checks that two language folders hold the same file names; returns one message per file without
 * a counterpart, naming the file and the counterpart expected.
 */
export function checkPairs(
  sourceDir: string,
  sourceNames: readonly string[],
  targetDir: string,
  targetNames: readonly string[],
): string[] {
  const sources = new Set(sourceNames);
  const targets = new Set(targetNames);
  return [
    ...sourceNames
      .filter((name) => !targets.has(name))
      .map((name) => `${sourceDir}/${name} has no counterpart: expected ${targetDir}/${name}`),
    ...targetNames
      .filter((name) => !sources.has(name))
      .map((name) => `${targetDir}/${name} has no counterpart: expected ${sourceDir}/${name}`),
  ];
}

/** The YAML between the first two `---` lines of an MDX file. */
export function frontmatter(source: string): unknown {
  const lines = source.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === '---');
  const end = lines.findIndex((line, index) => index > start && line.trim() === '---');
  if (start === -1 || end === -1) return undefined;
  return parse(lines.slice(start + 1, end).join('\n'));
}

// The comparison's own tests: each rule must be able to fail.

describe('checkPairs', () => {
  it('accepts folders with the same file names', () => {
    expect(checkPairs('en', ['a.yaml', 'b.yaml'], 'fr', ['b.yaml', 'a.yaml'])).toEqual([]);
  });

  it('names a file missing in either language', () => {
    expect(checkPairs('c/en', ['a.yaml', 'b.yaml'], 'c/fr', ['a.yaml', 'z.yaml'])).toEqual([
      'c/en/b.yaml has no counterpart: expected c/fr/b.yaml',
      'c/fr/z.yaml has no counterpart: expected c/en/z.yaml',
    ]);
  });
});

describe('frontmatter', () => {
  it('reads the YAML between the first two --- lines', () => {
    expect(frontmatter('---\nid: a\nlang: fr\n---\n\nBody\n\n---\n\nmore')).toEqual({
      id: 'a',
      lang: 'fr',
    });
  });

  it('returns undefined without frontmatter', () => {
    expect(frontmatter('Just a body')).toBeUndefined();
  });
});

describe('compareModule', () => {
  const en = {
    id: 'm',
    title: 'Title',
    audience: 'police',
    minutes: 45,
    outcomes: [
      { id: 'one', text: 'Do one thing.' },
      { id: 'two', text: 'Do another thing.' },
    ],
    prerequisites: ['first'],
    version: '1.0.0',
    lang: 'en',
    order: 3,
  };
  const fr = {
    ...en,
    title: 'Titre',
    lang: 'fr',
    outcomes: [
      { id: 'one', text: 'Faire une chose.' },
      { id: 'two', text: 'Faire autre chose.' },
    ],
  };
  const source = { file: 'content/modules/en/m.mdx', data: en };

  it('accepts a translation that changes only text and lang', () => {
    expect(compareModule(source, { file: 'content/modules/fr/m.mdx', data: fr })).toEqual([]);
  });

  it('names the file and each field that differs', () => {
    const bad = {
      ...fr,
      outcomes: [{ id: 'une', text: 'Faire une chose.' }, fr.outcomes[1]],
      prerequisites: [],
      order: 4,
    };
    expect(compareModule(source, { file: 'content/modules/fr/m.mdx', data: bad })).toEqual([
      'content/modules/fr/m.mdx: outcomes[].id is ["une","two"], but content/modules/en/m.mdx has ["one","two"]',
      'content/modules/fr/m.mdx: prerequisites is [], but content/modules/en/m.mdx has ["first"]',
      'content/modules/fr/m.mdx: order is 4, but content/modules/en/m.mdx has 3',
    ]);
  });
});

describe('compareQuiz', () => {
  const en = {
    id: 'm-check',
    module: 'm',
    lang: 'en',
    title: 'Check',
    masteryScore: 0.8,
    attempts: 3,
    questions: [
      {
        id: 'pick',
        type: 'single-choice',
        outcomes: ['one'],
        prompt: 'Which?',
        options: [
          { id: 'a', text: 'A', correct: true },
          { id: 'b', text: 'B' },
        ],
      },
      { id: 'tf', type: 'true-false', outcomes: ['one'], prompt: 'True?', answer: false },
      {
        id: 'match',
        type: 'matching',
        outcomes: ['two'],
        targets: [
          { id: 'x', text: 'X' },
          { id: 'y', text: 'Y' },
        ],
        items: [
          { id: 'i', text: 'I', target: 'x' },
          { id: 'j', text: 'J', target: 'y' },
        ],
      },
      {
        id: 'order',
        type: 'ordering',
        outcomes: ['two'],
        steps: [
          { id: 's1', text: 'First' },
          { id: 's2', text: 'Second' },
        ],
      },
      {
        id: 'case',
        type: 'scenario',
        outcomes: ['two'],
        options: [
          { id: 'good', text: 'Good', correct: true },
          { id: 'bad', text: 'Bad' },
        ],
        followUp: { id: 'case-more', type: 'true-false', outcomes: ['one'], answer: true },
      },
    ],
  };
  /** The same quiz with every text translated; ids, flags and settings untouched. */
  const translated = () => {
    const copy = structuredClone(en) as Value & { questions: Value[] };
    copy.lang = 'fr';
    copy.title = 'Contrôle';
    for (const question of copy.questions) question.prompt = 'Texte traduit';
    return copy;
  };
  const source = { file: 'content/quizzes/en/m.yaml', data: en };
  const target = (data: unknown) => ({ file: 'content/quizzes/fr/m.yaml', data });

  it('accepts a translation, and omitted defaults equal the defaults', () => {
    const fr = { ...translated(), shuffleQuestions: true, display: 'one-at-a-time' };
    expect(compareQuiz(source, target(fr))).toEqual([]);
  });

  it('names the quiz field and the question field that differ', () => {
    const fr = translated();
    fr.masteryScore = 0.7;
    fr.shuffleOptions = false;
    const [pick, tf, match, order, scenario] = fr.questions.map(record);
    list(pick?.options).map(record).forEach((option) => (option.correct = !option.correct));
    if (tf) tf.answer = true;
    const item = record(list(match?.items)[1]);
    item.target = 'x';
    if (order) order.steps = [...list(order.steps)].reverse();
    record(scenario?.followUp).id = 'case-plus';
    expect(compareQuiz(source, target(fr))).toEqual([
      'content/quizzes/fr/m.yaml: masteryScore is 0.7, but content/quizzes/en/m.yaml has 0.8',
      'content/quizzes/fr/m.yaml: shuffleOptions is false, but content/quizzes/en/m.yaml has true',
      'content/quizzes/fr/m.yaml: questions["pick"].options[].correct is [false,true], but content/quizzes/en/m.yaml has [true,false]',
      'content/quizzes/fr/m.yaml: questions["tf"].answer is true, but content/quizzes/en/m.yaml has false',
      'content/quizzes/fr/m.yaml: questions["match"].items[].target is ["x","x"], but content/quizzes/en/m.yaml has ["x","y"]',
      'content/quizzes/fr/m.yaml: questions["order"].steps[].id is ["s2","s1"], but content/quizzes/en/m.yaml has ["s1","s2"]',
      'content/quizzes/fr/m.yaml: questions["case"].followUp.id is "case-plus", but content/quizzes/en/m.yaml has "case-more"',
    ]);
  });

  it('names a missing question once, and a changed type, outcome or weight', () => {
    const fr = translated();
    fr.questions = fr.questions.filter((question) => question.id !== 'order');
    const pick = record(fr.questions[0]);
    pick.type = 'multiple-response';
    pick.outcomes = ['two'];
    pick.weight = 2;
    expect(compareQuiz(source, target(fr))).toEqual([
      'content/quizzes/fr/m.yaml: questions[].id is ["pick","tf","match","case"], but content/quizzes/en/m.yaml has ["pick","tf","match","order","case"]',
      'content/quizzes/fr/m.yaml: questions["pick"].type is "multiple-response", but content/quizzes/en/m.yaml has "single-choice"',
      'content/quizzes/fr/m.yaml: questions["pick"].outcomes is ["two"], but content/quizzes/en/m.yaml has ["one"]',
      'content/quizzes/fr/m.yaml: questions["pick"].weight is 2, but content/quizzes/en/m.yaml has 1',
    ]);
  });
});

describe('compareTrack and compareTrainerNotes', () => {
  it('names a track whose module list differs', () => {
    const en = { id: 't', audience: 'police', modules: ['a', 'b'], order: 1, title: 'Track' };
    const fr = { ...en, title: 'Parcours', modules: ['b', 'a'] };
    expect(compareTrack({ file: 'en/t.yaml', data: en }, { file: 'fr/t.yaml', data: en })).toEqual(
      [],
    );
    expect(compareTrack({ file: 'en/t.yaml', data: en }, { file: 'fr/t.yaml', data: fr })).toEqual([
      'fr/t.yaml: modules is ["b","a"], but en/t.yaml has ["a","b"]',
    ]);
  });

  it('names trainer notes whose session length or module differs', () => {
    const en = { module: 'm', lang: 'en', sessionMinutes: 90 };
    const fr = { module: 'n', lang: 'fr', sessionMinutes: 60 };
    expect(
      compareTrainerNotes({ file: 'en/m.mdx', data: en }, { file: 'fr/m.mdx', data: fr }),
    ).toEqual([
      'fr/m.mdx: module is "n", but en/m.mdx has "m"',
      'fr/m.mdx: sessionMinutes is 60, but en/m.mdx has 90',
    ]);
  });
});

// The content itself.

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => entry.endsWith('.mdx') || entry.endsWith('.yaml'))
    .sort();
}

function read(kind: Kind, lang: string, name: string): Side {
  const file = path.join(contentDir, kind, lang, name);
  const text = readFileSync(file, 'utf8');
  return {
    file: path.relative(repoRoot, file),
    data: name.endsWith('.mdx') ? frontmatter(text) : parse(text),
  };
}

describe(`every ${SOURCE} content file has a ${TARGET} translation with the same ids`, () => {
  for (const kind of KINDS) {
    const sourceDir = `content/${kind}/${SOURCE}`;
    const targetDir = `content/${kind}/${TARGET}`;
    const sourceNames = filesIn(path.join(repoRoot, sourceDir));
    const targetNames = filesIn(path.join(repoRoot, targetDir));

    it(`${kind}: the same file names in ${SOURCE} and ${TARGET}`, () => {
      const problems = checkPairs(sourceDir, sourceNames, targetDir, targetNames);
      expect(problems, problems.join('\n')).toEqual([]);
    });

    const pairs = sourceNames.filter((name) => targetNames.includes(name));
    it.each(pairs)(`${kind}: %s`, (name) => {
      const problems = COMPARE[kind](read(kind, SOURCE, name), read(kind, TARGET, name));
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});
