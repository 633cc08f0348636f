// Identifiers: one IRI scheme for every activity, independent of the page language, so a learner
// who switches language keeps one record per module, section, quiz and question.

/** The xAPI verbs the tracker uses: the cmi5 set plus experienced and answered. */
export const VERBS = {
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
} as const;

/** A verb the tracker uses. */
export type VerbName = keyof typeof VERBS;

/** Activity types (ADL vocabulary). */
export const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  track: 'http://id.tincanapi.com/activitytype/training-program',
  section: 'http://id.tincanapi.com/activitytype/section',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
} as const;

/** cmi5 context categories and extensions. */
export const CMI5 = {
  category: 'https://w3id.org/xapi/cmi5/context/categories/cmi5',
  moveOn: 'https://w3id.org/xapi/cmi5/context/categories/moveon',
  sessionId: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
  masteryScore: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
  launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
} as const;

/** Removes trailing slashes, so `${origin}/xapi/...` never doubles one. */
export function siteBase(site: string): string {
  return site.replace(/\/+$/, '');
}

/**
 * The activity IRIs of the course, all under `<site>/xapi/activities/`:
 * course; track/<track-id>; module/<module-id>; module/<module-id>/section/<n> (n counts the
 * module body's h2 headings from 1, since heading ids are translated) and
 * module/<module-id>/section/key-messages; quiz/<quiz-id>; quiz/<quiz-id>/question/<question-id>
 * and .../question/<question-id>/follow-up for a scenario's follow-up question.
 */
export function activityIris(site: string) {
  const base = `${siteBase(site)}/xapi/activities`;
  const seg = encodeURIComponent;
  return {
    course: `${base}/course`,
    track: (id: string) => `${base}/track/${seg(id)}`,
    module: (id: string) => `${base}/module/${seg(id)}`,
    section: (moduleId: string, section: number | 'key-messages') =>
      `${base}/module/${seg(moduleId)}/section/${String(section)}`,
    quiz: (id: string) => `${base}/quiz/${seg(id)}`,
    question: (quizId: string, questionId: string) =>
      `${base}/quiz/${seg(quizId)}/question/${seg(questionId)}`,
    followUp: (quizId: string, questionId: string) =>
      `${base}/quiz/${seg(quizId)}/question/${seg(questionId)}/follow-up`,
  };
}

/** The cohort a trainer gave the learner, as a context extension. */
export function cohortExtension(site: string): string {
  return `${siteBase(site)}/xapi/extensions/cohort`;
}
