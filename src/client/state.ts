import { sessionHeaders, sessionReady, type Learner } from './learner.ts';
import { activityIris } from '../xapi/vocabulary.ts';

/** A section's place: its position among the module body's headings, or the key messages. */
export type SectionKey = number | 'key-messages';

/**
 * A learner's progress in one module, kept in the xAPI State resource (stateId "progress" on the
 * module's activity, for the learner's registration) and mirrored in localStorage.
 */
export interface ModuleProgress {
  /** The last section read: its key, its heading id in the page language, and when. */
  section?: { key: SectionKey; id: string; at: string };
  /** Every section read so far. */
  read: SectionKey[];
  /** Whether the knowledge check was passed. */
  passed?: boolean;
  /** Whether "completed" was sent (it is sent once). */
  completed?: boolean;
  /** The quiz island's own localStorage entry (src/quiz/progress.ts), by its key. */
  quiz?: { key: string; value: unknown };
}

/** The State stateId of module progress. */
export const STATE_ID = 'progress';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSectionKey = (value: unknown): value is SectionKey =>
  value === 'key-messages' || (typeof value === 'number' && Number.isInteger(value));

/** Reads a progress document, tolerating anything (an older version, another tool's write). */
export function parseModuleProgress(value: unknown): ModuleProgress {
  if (!isRecord(value)) return { read: [] };
  const progress: ModuleProgress = {
    read: Array.isArray(value.read) ? value.read.filter(isSectionKey) : [],
  };
  const { section, quiz } = value;
  if (
    isRecord(section) &&
    isSectionKey(section.key) &&
    typeof section.id === 'string' &&
    typeof section.at === 'string'
  ) {
    progress.section = { key: section.key, id: section.id, at: section.at };
  }
  if (value.passed === true) progress.passed = true;
  if (value.completed === true) progress.completed = true;
  if (isRecord(quiz) && typeof quiz.key === 'string' && quiz.value !== undefined) {
    progress.quiz = { key: quiz.key, value: quiz.value };
  }
  return progress;
}

/**
 * How far a quiz's stored progress went: attempts started, then questions checked in the attempt
 * under way, a finished attempt ranking above any unfinished one of the same number. Both only
 * grow, so the further copy is the newer one without trusting device clocks.
 */
export function quizRank(value: unknown): number {
  if (!isRecord(value) || typeof value.used !== 'number') return -1;
  const current = value.current;
  const checked =
    isRecord(current) && Array.isArray(current.checked) ? current.checked.length : 9999;
  return value.used * 10_000 + checked;
}

/** Merges two copies of a module's progress (this device's and the State's): nothing read is lost. */
export function mergeProgress(a: ModuleProgress, b: ModuleProgress): ModuleProgress {
  const merged: ModuleProgress = { read: [...new Set([...a.read, ...b.read])] };
  const section = !a.section
    ? b.section
    : !b.section
      ? a.section
      : a.section.at >= b.section.at
        ? a.section
        : b.section;
  if (section) merged.section = section;
  if (a.passed === true || b.passed === true) merged.passed = true;
  if (a.completed === true || b.completed === true) merged.completed = true;
  const quiz = !a.quiz
    ? b.quiz
    : !b.quiz
      ? a.quiz
      : quizRank(b.quiz.value) > quizRank(a.quiz.value)
        ? b.quiz
        : a.quiz;
  if (quiz) merged.quiz = quiz;
  return merged;
}

function stateUrl(learner: Learner, site: string, moduleId: string): string {
  const params = new URLSearchParams({
    activityId: activityIris(site).module(moduleId),
    agent: JSON.stringify({ objectType: 'Agent', account: learner.actor.account }),
    registration: learner.registration,
    stateId: STATE_ID,
  });
  return `${learner.endpoint}activities/state?${params.toString()}`;
}

// Signed in by the session cookie (same-origin) or another LRS's build-time credential.
const headers = () => ({
  ...sessionHeaders(),
  'X-Experience-API-Version': '1.0.3',
});

/** The module's progress in the State resource: null when there is none, undefined when offline. */
export async function fetchProgress(
  learner: Learner,
  site: string,
  moduleId: string,
): Promise<ModuleProgress | null | undefined> {
  try {
    await sessionReady();
    const response = await fetch(stateUrl(learner, site, moduleId), {
      headers: headers(),
      cache: 'no-store',
      credentials: 'same-origin',
    });
    if (response.status === 404) return null;
    if (!response.ok) return undefined;
    return parseModuleProgress(await response.json());
  } catch {
    return undefined;
  }
}

/** Replaces the module's progress in the State resource; false when it did not get there. */
export async function storeProgress(
  learner: Learner,
  site: string,
  moduleId: string,
  progress: ModuleProgress,
  keepalive = false,
): Promise<boolean> {
  try {
    // On page hide the keepalive call must start now: it waits for nothing.
    if (!keepalive) await sessionReady();
    const response = await fetch(stateUrl(learner, site, moduleId), {
      method: 'PUT',
      headers: { ...headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify(progress),
      keepalive,
      credentials: 'same-origin',
    });
    return response.ok;
  } catch {
    return false;
  }
}
