import path from 'node:path';
import {
  list,
  readCourseFiles,
  record,
  strings,
  text,
  type CourseFile,
  type CourseFiles,
} from './course-files.ts';
import {
  checkAssessment,
  checkCourseLinks,
  type LanguageFacts,
  type ModuleFacts,
  type QuestionFacts,
  type QuizFacts,
} from './links.ts';
import { checkSeedOverlap, readSeedIndex, SEED_HASHES_FILE, type SeedIndex } from './seed-overlap.ts';
import { checkTerms } from './terms.ts';
import { checkTranslations } from './translations.ts';

/**
 * Every check on the course that looks across files, run by the build (integrations/
 * content-checks.ts) before any page renders, and by the tests on fixture folders. Each problem
 * is one message that starts with the file and names the field.
 */

/** The module facts of an MDX file's frontmatter; a missing id falls back to the file name. */
export function moduleFacts(file: CourseFile): ModuleFacts {
  const data = record(file.data);
  return {
    file: file.file,
    id: text(data.id) || file.name.replace(/\.mdx?$/, ''),
    lang: file.lang ?? '',
    outcomes: list(data.outcomes).map((outcome) => {
      const value = record(outcome);
      return { id: text(value.id), text: typeof value.text === 'string' ? value.text : undefined };
    }),
    prerequisites: strings(data.prerequisites),
  };
}

function questionFacts(value: unknown): QuestionFacts {
  const question = record(value);
  return {
    id: text(question.id),
    type: text(question.type),
    outcomes: strings(question.outcomes),
    followUp: question.followUp === undefined ? undefined : questionFacts(question.followUp),
  };
}

/** The quiz facts of a quiz file. */
export function quizFacts(file: CourseFile): QuizFacts {
  const data = record(file.data);
  return {
    file: file.file,
    module: text(data.module),
    questions: list(data.questions).map(questionFacts),
  };
}

/** The facts of one language of the course, read from its files. */
export function languageFacts(course: CourseFiles, lang: string): LanguageFacts {
  return {
    modules: course.byKind('modules', lang).map(moduleFacts),
    quizzes: course.byKind('quizzes', lang).map(quizFacts),
    references: [
      ...course.byKind('tracks', lang).map((file) => ({
        file: file.file,
        field: 'modules',
        modules: strings(record(file.data).modules),
      })),
      ...course.byKind('trainer-notes', lang).map((file) => ({
        file: file.file,
        field: 'module',
        modules: [text(record(file.data).module)],
      })),
    ],
  };
}

/**
 * Certification rules (content/certification/*.yaml) name a track and its required modules: each
 * must exist in every language, and each required module needs its item bank there
 * (assessments/<lang>/<module>.yaml; the service checks the banks' own rules when it loads them).
 */
export function checkCertification(course: CourseFiles): string[] {
  const problems: string[] = [];
  const rules = course.all.filter((file) => file.file.startsWith('content/certification/'));
  for (const lang of course.languages) {
    const modules = new Set(course.byKind('modules', lang).map((file) => moduleFacts(file).id));
    const tracks = new Set(course.byKind('tracks', lang).map((file) => text(record(file.data).id)));
    const banks = new Set(
      course.all
        .filter((file) => file.file.startsWith(`assessments/${lang}/`))
        .map((file) => text(record(file.data).module)),
    );
    for (const rule of rules) {
      const data = record(rule.data);
      const track = text(data.track);
      if (!tracks.has(track)) {
        problems.push(`${rule.file}: track: no track "${track}" in content/tracks/${lang}/`);
      }
      for (const moduleId of strings(data.requiredModules)) {
        if (!modules.has(moduleId)) {
          problems.push(`${rule.file}: requiredModules: unknown module "${moduleId}" in ${lang}`);
        } else if (!banks.has(moduleId)) {
          problems.push(
            `${rule.file}: requiredModules: no item bank assessments/${lang}/${moduleId}.yaml`,
          );
        }
      }
    }
  }
  return problems;
}

/** Every <Term> in a module or trainer note has a glossary entry of its language. */
export function checkGlossaryLinks(course: CourseFiles): string[] {
  return course.languages.flatMap((lang) => {
    const glossary = new Set(
      course.byKind('glossary', lang).map((file) => file.name.replace(/\.ya?ml$/, '')),
    );
    return [...course.byKind('modules', lang), ...course.byKind('trainer-notes', lang)].flatMap(
      (file) => checkTerms(file.file, file.text, lang, glossary),
    );
  });
}

/** What runContentChecks found, check by check, with the time each took. */
export interface ContentCheckReport {
  /** Every problem, each message naming the file and the field. */
  problems: string[];
  /** How many files were read. */
  files: number;
  /** Milliseconds per check, for the build log and the bench. */
  timings: Record<string, number>;
}

/** Options of runContentChecks. */
export interface ContentCheckOptions {
  /** The seed index to compare against; by default the committed one under the root. */
  seedIndex?: SeedIndex | undefined;
  /** The course files, when the caller has read them (readCourseFiles); by default read here. */
  files?: CourseFiles | undefined;
}

/** Runs every content check on the course under a project root. */
export function runContentChecks(
  root: string,
  options: ContentCheckOptions = {},
): ContentCheckReport {
  const timings: Record<string, number> = {};
  const timed = (name: string, check: () => string[]): string[] => {
    const started = performance.now();
    const problems = check();
    timings[name] = Math.round(performance.now() - started);
    return problems;
  };
  const started = performance.now();
  const files = options.files ?? readCourseFiles(root);
  timings.read = Math.round(performance.now() - started);
  const problems = [
    ...timed('links', () =>
      files.languages.flatMap((lang) => checkCourseLinks(languageFacts(files, lang))),
    ),
    ...timed('assessment', () =>
      files.languages.flatMap((lang) => checkAssessment(languageFacts(files, lang))),
    ),
    ...timed('glossary', () => checkGlossaryLinks(files)),
    ...timed('certification', () => checkCertification(files)),
    ...timed('translations', () => checkTranslations(files)),
    ...timed('seeds', () => {
      const index = options.seedIndex ?? readSeedIndex(path.join(root, SEED_HASHES_FILE));
      return files.all.flatMap((file) => checkSeedOverlap(file, index));
    }),
  ];
  return { problems, files: files.all.length, timings };
}

/** The error the build fails with: every problem on its own line. */
export function contentCheckError(problems: readonly string[]): Error {
  return new Error(
    `The course content has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
  );
}
