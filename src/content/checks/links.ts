/**
 * Checks between content files that no single schema can see: module ids, prerequisites, tracks,
 * quizzes and trainer notes naming modules, questions assessing the outcomes of their module, and
 * every outcome assessed. Each check takes plain facts, so the build (reading files) and the pages
 * (reading collections) share them.
 */

/** The fewest questions a module's quiz may have. */
export const MIN_QUESTIONS = 8;
/** The fewest distinct question types a module's quiz may use. */
export const MIN_TYPES = 4;

/** The parts of a module's frontmatter the checks need. */
export interface ModuleFacts {
  /** Path of the module file, for messages. */
  file: string;
  /** The module id. */
  id: string;
  /** Its language. */
  lang: string;
  /** Its learning outcomes. */
  outcomes: readonly { id: string; text?: string | undefined }[];
  /** Ids of the modules to take first. */
  prerequisites: readonly string[];
}

/** A question as far as the checks are concerned: its type, its outcomes, its follow-up. */
export interface QuestionFacts {
  /** The question id. */
  id: string;
  /** Its type, such as single-choice. */
  type: string;
  /** The outcome ids it assesses. */
  outcomes: readonly string[];
  /** A scenario's follow-up question. */
  followUp?: QuestionFacts | undefined;
}

/** The parts of a quiz the checks need. */
export interface QuizFacts {
  /** Path of the quiz file, for messages. */
  file: string;
  /** Id of the module it checks. */
  module: string;
  /** Its questions. */
  questions: readonly QuestionFacts[];
}

/** A file that names modules: a track (its module list) or trainer notes (their module). */
export interface ModuleRefFacts {
  /** Path of the file, for messages. */
  file: string;
  /** The field naming the modules, for messages. */
  field: string;
  /** The module ids named. */
  modules: readonly string[];
}

/** One language of the course, as facts. */
export interface LanguageFacts {
  /** Every module. */
  modules: readonly ModuleFacts[];
  /** Every quiz. */
  quizzes: readonly QuizFacts[];
  /** Tracks, trainer notes and anything else naming modules. */
  references: readonly ModuleRefFacts[];
}

/**
 * Checks the outcome ids a quiz assesses against the outcomes its module defines; returns one
 * message per unknown id, each naming the file and the question.
 */
export function checkQuizOutcomes(
  quiz: Pick<QuizFacts, 'module' | 'questions'>,
  outcomeIds: readonly string[],
  file: string,
): string[] {
  const known = new Set(outcomeIds);
  const messages: string[] = [];
  const check = (question: QuestionFacts, name: string) => {
    for (const outcome of question.outcomes) {
      if (!known.has(outcome)) {
        messages.push(
          `${file}: ${name} assesses outcome "${outcome}", which module "${quiz.module}" does not define`,
        );
      }
    }
  };
  for (const question of quiz.questions) {
    check(question, `question "${question.id}"`);
    if (question.followUp) {
      check(question.followUp, `question "${question.id}" follow-up "${question.followUp.id}"`);
    }
  }
  return messages;
}

/**
 * Checks that a module is properly assessed by its quiz: enough questions, enough types, every
 * outcome assessed (a scenario's follow-up counts). Returns one message per problem, each naming
 * the module (and the outcome, where one is at fault).
 */
export function checkModuleAssessment(module: ModuleFacts, quiz: QuizFacts | undefined): string[] {
  const name = `${module.file}: module "${module.id}"`;
  if (quiz === undefined) {
    return [
      `${name} has no quiz: expected content/quizzes/${module.lang}/${module.id}.yaml with module: ${module.id}`,
    ];
  }
  const problems: string[] = [];
  if (quiz.questions.length < MIN_QUESTIONS) {
    problems.push(
      `${quiz.file}: questions: ${quiz.questions.length} question(s) for module "${module.id}"; at least ${MIN_QUESTIONS} are needed`,
    );
  }
  const types = new Set(quiz.questions.map((question) => question.type));
  if (types.size < MIN_TYPES) {
    problems.push(
      `${quiz.file}: questions[].type: ${types.size} question type(s) (${[...types].join(', ')}); at least ${MIN_TYPES} are needed`,
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
        `${name}: outcomes: learning outcome "${outcome.id}"${text} is assessed by no question in ${quiz.file}`,
      );
    }
  }
  return problems;
}

/**
 * Checks the links of one language: duplicate module ids, unknown prerequisites, files naming
 * unknown modules, quizzes for unknown modules and questions assessing outcomes their module does
 * not define. Returns one message per broken link, naming the file and the field.
 */
export function checkCourseLinks(course: LanguageFacts): string[] {
  const ids = new Map<string, ModuleFacts>();
  const problems: string[] = [];
  for (const module of course.modules) {
    const clash = ids.get(module.id);
    if (clash) {
      problems.push(`${module.file}: id: module id "${module.id}" is already used by ${clash.file}`);
    }
    ids.set(module.id, module);
  }
  for (const module of course.modules) {
    for (const prerequisite of module.prerequisites) {
      if (!ids.has(prerequisite)) {
        problems.push(`${module.file}: prerequisites: unknown module "${prerequisite}"`);
      }
    }
  }
  for (const reference of course.references) {
    for (const moduleId of reference.modules) {
      if (!ids.has(moduleId)) {
        problems.push(`${reference.file}: ${reference.field}: unknown module "${moduleId}"`);
      }
    }
  }
  for (const quiz of course.quizzes) {
    const module = ids.get(quiz.module);
    if (!module) {
      problems.push(`${quiz.file}: module: unknown module "${quiz.module}"`);
      continue;
    }
    const outcomeIds = module.outcomes.map((outcome) => outcome.id);
    problems.push(...checkQuizOutcomes(quiz, outcomeIds, quiz.file));
  }
  return problems;
}

/** Checks every module of one language against its quiz (see checkModuleAssessment). */
export function checkAssessment(course: LanguageFacts): string[] {
  const quizzes = new Map<string, QuizFacts>();
  for (const quiz of course.quizzes) if (!quizzes.has(quiz.module)) quizzes.set(quiz.module, quiz);
  return course.modules.flatMap((module) => checkModuleAssessment(module, quizzes.get(module.id)));
}
