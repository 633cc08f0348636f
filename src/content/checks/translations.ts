import {
  isRecord,
  LANGUAGE_KINDS,
  list,
  record,
  type CourseFiles,
  type LanguageKind,
  type Value,
} from './course-files.ts';

/**
 * The French course is a translation of the English one: every English content file has a French
 * file of the same name, and the reverse, and both languages share every id. Ids become xAPI
 * activity and interaction ids, scoring depends on the correct flags, and certification depends on
 * the track module lists, so only the text a learner reads may differ between the two files.
 */

/** The source language. */
export const SOURCE = 'en';
/** The language that must mirror the source. */
export const TARGET = 'fr';

/** The kinds of content compared: every kind with one folder per language. */
export const KINDS = LANGUAGE_KINDS;
/** One kind of translated content. */
export type Kind = LanguageKind;

/** One file of a language pair: where it is (for messages) and its parsed data. */
export interface Side {
  /** Path of the file, for messages. */
  file: string;
  /** Its parsed YAML or frontmatter. */
  data: unknown;
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

/**
 * A comparison of the named top-level fields, in that order, then of what `more` compares.
 */
function compareFields(
  fields: readonly string[],
  more: (diff: Differences, en: Value, fr: Value) => void = () => undefined,
): (source: Side, target: Side) => string[] {
  return (source, target) => {
    const diff = differences(source, target);
    const en = record(source.data);
    const fr = record(target.data);
    for (const field of fields) diff.same(field, en[field], fr[field]);
    more(diff, en, fr);
    return diff.messages;
  };
}

/** Track: id, the module list in order, audience and order. */
export const compareTrack = compareFields(['id', 'modules', 'audience', 'order']);

/** Trainer notes: the module they belong to and the session length. */
export const compareTrainerNotes = compareFields(['module', 'sessionMinutes']);

/**
 * Session kit: the module, the ids of slides, cards, handouts and discussion questions in order,
 * and the plan's steps (minutes, slides and cards shown), so a trainer switching language in the
 * middle of a session keeps their place.
 */
export const compareTrainerKit = compareFields(['module'], (diff, en, fr) => {
  for (const part of ['slides', 'cards', 'handouts', 'discussion'] as const) {
    diff.same(`${part}[].id`, ids(en[part]), ids(fr[part]));
  }
  const steps = (kit: Value) =>
    list(kit.plan).map((step) => {
      const { minutes, slides, cards } = record(step);
      return { minutes, slides: slides ?? [], cards: cards ?? [] };
    });
  diff.same('plan[] (minutes, slides, cards)', steps(en), steps(fr));
});

/** Glossary entries carry no ids besides their file name, which the pairing already checks. */
function compareNothing(): string[] {
  return [];
}

/** The comparison for each kind of content. */
export const COMPARE: Record<Kind, (source: Side, target: Side) => string[]> = {
  modules: compareModule,
  quizzes: compareQuiz,
  'trainer-notes': compareTrainerNotes,
  'trainer-kits': compareTrainerKit,
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


/**
 * Checks every pair of English and French files of the course: the same file names in each kind's
 * folders, and the same ids in each pair. Returns one message per problem, naming the file and field.
 */
export function checkTranslations(course: CourseFiles): string[] {
  const problems: string[] = [];
  for (const kind of KINDS) {
    const source = new Map(course.byKind(kind, SOURCE).map((file) => [file.name, file]));
    const target = new Map(course.byKind(kind, TARGET).map((file) => [file.name, file]));
    problems.push(
      ...checkPairs(
        `content/${kind}/${SOURCE}`,
        [...source.keys()],
        `content/${kind}/${TARGET}`,
        [...target.keys()],
      ),
    );
    for (const [name, file] of source) {
      const counterpart = target.get(name);
      if (counterpart !== undefined) problems.push(...COMPARE[kind](file, counterpart));
    }
  }
  return problems;
}
