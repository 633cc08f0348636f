import type { AttemptFinishedEvent, QuestionAnsweredEvent } from '../quiz/events.ts';
import { scoreQuestion, type QuestionResponse, type ScenarioResponse } from '../quiz/scoring.ts';
import { isoDuration, newUuid } from './ids.ts';
import { interactionDefinition, interactionResponse } from './interactions.ts';
import type { AccountAgent, Activity, Context, Result, Statement } from './types.ts';
import {
  ACTIVITY_TYPES,
  CMI5,
  VERBS,
  activityIris,
  cohortExtension,
  type VerbName,
} from './vocabulary.ts';

/** Who is learning what, in which session: everything a statement's actor and context need. */
export interface TrackingContext {
  /** The site's public origin, the root of every activity IRI. */
  site: string;
  /** The learner's xAPI account. */
  actor: AccountAgent;
  /** The learner's registration (one per enrolment). */
  registration: string;
  /** One id per page view of a module, from launched to terminated. */
  sessionId: string;
  /** Language of the page. */
  lang: string;
  /** The module being studied. */
  moduleId: string;
  /** The module's title in the page language, for the activity definition. */
  moduleTitle?: string;
  /** The learner's track (police or military pre-deployment), if any. */
  trackId?: string;
  /** The cohort code a trainer gave the learner, if any. */
  cohort?: string;
}

/** Overrides for tests: when the statement happened and its id (new ones otherwise). */
export interface BuildOptions {
  at?: Date;
  id?: string;
}

/** An activity of the course, named in the page's language when it has a name. */
const activity = (ctx: TrackingContext, id: string, type: string, name?: string): Activity => ({
  objectType: 'Activity',
  id,
  definition: { type, ...(name === undefined ? {} : { name: { [ctx.lang]: name } }) },
});

const module = (ctx: TrackingContext): Activity =>
  activity(
    ctx,
    activityIris(ctx.site).module(ctx.moduleId),
    ACTIVITY_TYPES.module,
    ctx.moduleTitle,
  );

const grouping = (ctx: TrackingContext, withModule: boolean): Activity[] => {
  const iris = activityIris(ctx.site);
  return [
    ...(withModule ? [module(ctx)] : []),
    ...(ctx.trackId === undefined
      ? []
      : [activity(ctx, iris.track(ctx.trackId), ACTIVITY_TYPES.track)]),
    activity(ctx, iris.course, ACTIVITY_TYPES.course),
  ];
};

const category = (ids: string[]): Activity[] => ids.map((id) => ({ objectType: 'Activity', id }));

interface Parts {
  object: Activity;
  result?: Result;
  parent?: Activity[];
  other?: Activity[];
  /** Questions sit in a quiz in a module: the module joins the grouping. */
  groupModule?: boolean;
  /** cmi5-defined statements carry the cmi5 category; those that judge the AU also "moveon". */
  cmi5?: 'defined' | 'moveon';
  extensions?: Record<string, string | number | boolean>;
}

function statement(
  ctx: TrackingContext,
  verb: VerbName,
  parts: Parts,
  options: BuildOptions,
): Statement {
  const extensions: Record<string, string | number | boolean> = {
    [CMI5.sessionId]: ctx.sessionId,
    ...parts.extensions,
  };
  if (ctx.cohort !== undefined) extensions[cohortExtension(ctx.site)] = ctx.cohort;
  const context: Context = {
    registration: ctx.registration,
    contextActivities: {
      ...(parts.parent ? { parent: parts.parent } : {}),
      grouping: grouping(ctx, parts.groupModule === true),
      ...(parts.cmi5
        ? {
            category: category(
              parts.cmi5 === 'moveon' ? [CMI5.category, CMI5.moveOn] : [CMI5.category],
            ),
          }
        : {}),
      ...(parts.other ? { other: parts.other } : {}),
    },
    language: ctx.lang,
    extensions,
  };
  return {
    id: options.id ?? newUuid(),
    actor: ctx.actor,
    verb: { id: VERBS[verb], display: { en: verb } },
    object: parts.object,
    ...(parts.result ? { result: parts.result } : {}),
    context,
    timestamp: (options.at ?? new Date()).toISOString(),
  };
}

/** A cmi5-defined statement about the module itself (the AU), the object of most verbs. */
function onModule(
  ctx: TrackingContext,
  verb: VerbName,
  cmi5: 'defined' | 'moveon',
  options: BuildOptions,
  parts: Omit<Parts, 'object' | 'cmi5'> = {},
): Statement {
  return statement(ctx, verb, { object: module(ctx), cmi5, ...parts }, options);
}

/** "launched": the learner opened the module (the site launches itself, as a cmi5 LMS would). */
export function launched(ctx: TrackingContext, options: BuildOptions = {}): Statement {
  return onModule(ctx, 'launched', 'defined', options, {
    extensions: { [CMI5.launchMode]: 'Normal' },
  });
}

/** "initialized": the module is ready and its session has begun. */
export function initialized(ctx: TrackingContext, options: BuildOptions = {}): Statement {
  return onModule(ctx, 'initialized', 'defined', options);
}

/** A section of a module: its position among the body's headings (or key messages) and title. */
export interface SectionRef {
  section: number | 'key-messages';
  title: string;
}

/** "experienced": the learner read a section of the module to its end. */
export function experienced(
  ctx: TrackingContext,
  section: SectionRef,
  options: BuildOptions = {},
): Statement {
  return statement(
    ctx,
    'experienced',
    {
      object: activity(
        ctx,
        activityIris(ctx.site).section(ctx.moduleId, section.section),
        ACTIVITY_TYPES.section,
        section.title,
      ),
      parent: [module(ctx)],
    },
    options,
  );
}

const quizActivity = (ctx: TrackingContext, quizId: string): Activity =>
  activity(ctx, activityIris(ctx.site).quiz(quizId), ACTIVITY_TYPES.assessment);

/**
 * "answered": one statement per checked question, with its cmi.interaction definition, the
 * response in xAPI format, success and the score from 0 to 1. A scenario gives two: its decision
 * (a choice, scored alone) and, if it has one, its follow-up (under .../follow-up, parented by
 * the scenario and the quiz), so each interaction keeps a single type.
 */
export function answered(
  ctx: TrackingContext,
  event: QuestionAnsweredEvent,
  options: BuildOptions = {},
): Statement[] {
  const iris = activityIris(ctx.site);
  const quiz = quizActivity(ctx, event.quizId);
  const one = (
    id: string,
    question: Parameters<typeof interactionDefinition>[0],
    response: QuestionResponse | undefined,
    score: number,
    parent: Activity[],
    at: BuildOptions,
  ): Statement => {
    const formatted = interactionResponse(question, response);
    return statement(
      ctx,
      'answered',
      {
        object: {
          objectType: 'Activity',
          id,
          definition: interactionDefinition(question, ctx.lang),
        },
        result: {
          success: score >= 1,
          score: { scaled: score, raw: score, min: 0, max: 1 },
          ...(formatted === undefined ? {} : { response: formatted }),
        },
        parent,
        groupModule: true,
      },
      at,
    );
  };
  const question = event.question;
  const questionId = iris.question(event.quizId, event.questionId);
  if (question.type !== 'scenario') {
    return [one(questionId, question, event.response, event.score, [quiz], options)];
  }
  const response = (event.response ?? {}) as ScenarioResponse;
  const decisionScore = question.options.some(
    (option) => option.correct && option.id === response.decision,
  )
    ? 1
    : 0;
  const first = one(questionId, question, response, decisionScore, [quiz], options);
  if (!question.followUp) return [first];
  const followUp = question.followUp;
  const parent: Activity = { objectType: 'Activity', id: questionId };
  return [
    first,
    one(
      iris.followUp(event.quizId, event.questionId),
      followUp,
      response.followUp,
      scoreQuestion(followUp, response.followUp),
      [parent, quiz],
      // A second statement needs its own id; a test-given id is only for the first.
      { ...(options.at ? { at: options.at } : {}) },
    ),
  ];
}

/**
 * "passed" or "failed": the module's knowledge check was finished, with result.score (raw, min,
 * max, scaled), success and the attempt's duration; the quiz is named in contextActivities.other
 * and the mastery score in the cmi5 masteryscore extension.
 */
export function judged(
  ctx: TrackingContext,
  event: AttemptFinishedEvent,
  options: BuildOptions = {},
): Statement {
  return onModule(ctx, event.success ? 'passed' : 'failed', 'moveon', options, {
    result: {
      score: { raw: event.raw, min: event.min, max: event.max, scaled: event.scaled },
      success: event.success,
      duration: isoDuration(event.durationMs),
    },
    other: [quizActivity(ctx, event.quizId)],
    extensions: { [CMI5.masteryScore]: event.masteryScore },
  });
}

/** "completed": every section of the module was read and its knowledge check passed. */
export function completed(
  ctx: TrackingContext,
  durationMs: number,
  options: BuildOptions = {},
): Statement {
  return onModule(ctx, 'completed', 'moveon', options, {
    result: { completion: true, duration: isoDuration(durationMs) },
  });
}

/** "terminated": the learner left the module page; the duration is the session's. */
export function terminated(
  ctx: TrackingContext,
  durationMs: number,
  options: BuildOptions = {},
): Statement {
  return onModule(ctx, 'terminated', 'defined', options, {
    result: { duration: isoDuration(durationMs) },
  });
}
