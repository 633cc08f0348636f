import { randomBytes, randomInt } from 'node:crypto';
import type { PublicChoice, PublicQuestion } from '../../../api/assessment.ts';
import { scoreQuestion, type QuestionResponse } from '../../../quiz/scoring.ts';
import type { FollowUp, Question } from '../../../schemas/quiz.ts';
import { badRequest } from '../../http/errors.ts';
import type { FormItem, ItemResult, OutcomeResult } from '../store/attempts.ts';
import type { ModuleBank } from './banks.ts';

/** A Fisher-Yates shuffle with the CSPRNG, so the order says nothing about the key. */
export function shuffled<T>(list: readonly T[]): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * A fresh random id: 72 bits as 12 base64url characters. Every id of a form has the same length
 * and no structure, so neither an id nor its length nor its sort order tells anything.
 */
export function randomId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * The public form of one bank question, recording each new id's bank id in `ids` (and a
 * follow-up's in `followUpIds`, so an id of one part never answers the other).
 */
function publicQuestion(
  q: Question | FollowUp,
  ids: Record<string, string>,
  followUpIds: Record<string, string> = {},
): PublicQuestion {
  const rename = (list: readonly { id: string; text: string }[]): PublicChoice[] =>
    shuffled(
      list.map(({ id, text }) => {
        const fresh = randomId();
        ids[fresh] = id;
        return { id: fresh, text };
      }),
    );
  const id = randomId();
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return { id, type: q.type, prompt: q.prompt, options: rename(q.options) };
    case 'true-false':
      return { id, type: q.type, prompt: q.prompt };
    case 'matching':
      return {
        id,
        type: q.type,
        prompt: q.prompt,
        targets: rename(q.targets),
        items: rename(q.items),
      };
    case 'ordering':
      return { id, type: q.type, prompt: q.prompt, steps: rename(q.steps) };
    case 'scenario':
      return {
        id,
        type: q.type,
        prompt: q.prompt,
        scenario: q.scenario,
        options: rename(q.options),
        ...(q.followUp === undefined ? {} : { followUp: publicQuestion(q.followUp, followUpIds) }),
      };
  }
}

/** A drawn form: what the learner gets, and what the server keeps. */
export interface DrawnForm {
  questions: PublicQuestion[];
  form: FormItem[];
}

/**
 * Draws a form from the banks in `lang`: for every learning outcome of every module, one item of
 * that outcome picked at random, every id replaced by a fresh random one, choices and items
 * shuffled. `retired` item ids are never drawn (while an outcome keeps another item).
 */
export function drawForm(
  modules: readonly ModuleBank[],
  lang: string,
  retired: ReadonlySet<string> = new Set(),
): DrawnForm {
  const drawn: { question: PublicQuestion; item: FormItem }[] = [];
  for (const module of modules) {
    const bank = module.banks[lang] ?? module.banks.en;
    const outcomes = module.outcomes[lang] ?? module.outcomes.en ?? [];
    if (bank === undefined) throw new Error(`no bank for ${module.module}`);
    for (const outcome of outcomes) {
      const all = bank.items.filter((i) => i.outcomes[0] === outcome.id);
      const live = all.filter((i) => !retired.has(i.id));
      const pool = live.length > 0 ? live : all;
      const item = pool[randomInt(pool.length)];
      if (item === undefined) throw new Error(`no item for ${module.module}/${outcome.id}`);
      const ids: Record<string, string> = {};
      const followUpIds: Record<string, string> = {};
      const question = publicQuestion(item, ids, followUpIds);
      drawn.push({
        question,
        item: {
          id: question.id,
          module: module.module,
          outcome: outcome.id,
          item: item.id,
          ...(question.type === 'scenario' && question.followUp !== undefined
            ? { followUp: question.followUp.id, followUpIds }
            : {}),
          ids,
        },
      });
    }
  }
  const order = shuffled(drawn);
  return { questions: order.map((d) => d.question), form: order.map((d) => d.item) };
}

/** The bank item a form item was drawn from. */
export function bankItem(
  modules: readonly ModuleBank[],
  lang: string,
  formItem: FormItem,
): Question | undefined {
  const module = modules.find((m) => m.module === formItem.module);
  const bank = module?.banks[lang] ?? module?.banks.en;
  return bank?.items.find((i) => i.id === formItem.item);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A response that cannot be an answer to its question: a 400 naming it. */
const malformed = (at: string, message: string) =>
  badRequest(`responses.${at}: ${message}`, 'invalid_response');

/** The bank ids of a question's option ids (own ids only, so a follow-up's are not mixed in). */
function idsOf(q: Question | FollowUp, kind: 'options' | 'steps' | 'items' | 'targets') {
  const list = (q as unknown as Partial<Record<string, { id: string }[]>>)[kind] ?? [];
  return new Set(list.map((o) => o.id));
}

/**
 * Translates one response from the form's random ids to the bank's, checking its shape strictly;
 * undefined means no answer (the item is missing), a malformed answer throws a 400.
 */
function translate(
  q: Question | FollowUp,
  raw: unknown,
  ids: Readonly<Record<string, string>>,
  at: string,
  followUpIds: Readonly<Record<string, string>> = {},
): QuestionResponse | undefined {
  if (raw === undefined || raw === null) return undefined;
  const bankId = (value: unknown, kind: 'options' | 'steps' | 'items' | 'targets') => {
    const mapped = typeof value === 'string' && Object.hasOwn(ids, value) ? ids[value] : undefined;
    if (mapped === undefined || !idsOf(q, kind).has(mapped)) {
      throw malformed(at, `${String(value).slice(0, 40)} is not one of this question's ids`);
    }
    return mapped;
  };
  const list = (kind: 'options' | 'steps') => {
    if (!Array.isArray(raw)) throw malformed(at, 'must be an array of ids');
    const mapped = raw.map((v) => bankId(v, kind));
    if (new Set(mapped).size !== mapped.length) throw malformed(at, 'an id appears twice');
    return mapped;
  };
  switch (q.type) {
    case 'single-choice': {
      const picks = list('options');
      if (picks.length === 0) return undefined;
      if (picks.length !== 1) throw malformed(at, 'choose exactly one option');
      return picks;
    }
    case 'multiple-response': {
      const picks = list('options');
      return picks.length === 0 ? undefined : picks;
    }
    case 'true-false':
      if (typeof raw !== 'boolean') throw malformed(at, 'must be true or false');
      return raw;
    case 'ordering': {
      const steps = list('steps');
      if (steps.length !== q.steps.length) throw malformed(at, 'must list every step once');
      return steps;
    }
    case 'matching': {
      if (!isRecord(raw)) throw malformed(at, 'must map each item id to a target id');
      const result: Record<string, string> = {};
      for (const [item, target] of Object.entries(raw)) {
        result[bankId(item, 'items')] = bankId(target, 'targets');
      }
      return Object.keys(result).length === q.items.length ? result : undefined;
    }
    case 'scenario': {
      if (!isRecord(raw)) throw malformed(at, 'must be { "decision": id, "followUp": ... }');
      const extra = Object.keys(raw).find((k) => k !== 'decision' && k !== 'followUp');
      if (extra !== undefined) throw malformed(at, `${extra.slice(0, 40)}: unknown field`);
      if (raw.decision === undefined || raw.decision === null) return undefined;
      const decision = bankId(raw.decision, 'options');
      if (q.followUp === undefined) {
        if (raw.followUp !== undefined) throw malformed(at, 'this scenario has no follow-up');
        return { decision };
      }
      const followUp = translate(q.followUp, raw.followUp, followUpIds, `${at}.followUp`);
      if (followUp === undefined) return undefined;
      return { decision, followUp: followUp as boolean | string[] };
    }
  }
}

/** The grade of a whole form: the score and, per outcome, met or not. */
export interface FormGrade {
  raw: number;
  max: number;
  scaled: number;
  passed: boolean;
  outcomes: OutcomeResult[];
  items: ItemResult[];
}

/**
 * Grades responses to a drawn form. The body must answer every item, by the form's ids: a
 * malformed answer or an unknown id is a 400 naming it, and unanswered items a 400 listing them
 * (nothing is graded until every item has an answer). Each item scores from 0 to 1 by the rules of
 * src/quiz/scoring.ts, weighted by its weight; an outcome is met when its item scored at least the
 * mastery score.
 */
export function gradeForm(
  modules: readonly ModuleBank[],
  lang: string,
  form: readonly FormItem[],
  responses: unknown,
  masteryScore: number,
): FormGrade {
  if (!isRecord(responses)) throw malformed('', 'must be an object of item id to answer');
  const known = new Set(form.map((f) => f.id));
  const stray = Object.keys(responses).find((id) => !known.has(id));
  if (stray !== undefined) throw malformed(stray.slice(0, 40), 'no such item in this attempt');
  const missing: string[] = [];
  const answers: { item: FormItem; question: Question; response: QuestionResponse }[] = [];
  for (const [index, item] of form.entries()) {
    const question = bankItem(modules, lang, item);
    if (question === undefined) throw new Error(`bank item ${item.item} is gone`);
    const response = translate(question, responses[item.id], item.ids, item.id, item.followUpIds);
    if (response === undefined) missing.push(`${index + 1} (${item.id})`);
    else answers.push({ item, question, response });
  }
  if (missing.length > 0) {
    throw badRequest(
      `answer every item before submitting; not answered: ${missing.join(', ')}`,
      'unanswered',
    );
  }
  let raw = 0;
  let max = 0;
  const outcomes: OutcomeResult[] = [];
  const items: ItemResult[] = [];
  for (const { item, question, response } of answers) {
    const score = scoreQuestion(question, response);
    raw += question.weight * score;
    max += question.weight;
    outcomes.push({ module: item.module, outcome: item.outcome, met: score >= masteryScore });
    const chosen = Array.isArray(response)
      ? response.filter((r): r is string => typeof r === 'string')
      : isRecord(response) && typeof response.decision === 'string'
        ? [response.decision]
        : [];
    items.push({ item: item.item, score, chosen });
  }
  // Outcomes in the course's order (module, then outcome), not the form's shuffled order, so the
  // result does not line up with the questions one by one.
  const position = new Map<string, number>();
  for (const module of modules) {
    for (const outcome of module.outcomes[lang] ?? module.outcomes.en ?? []) {
      position.set(`${module.module}/${outcome.id}`, position.size);
    }
  }
  const at = (o: OutcomeResult) => position.get(`${o.module}/${o.outcome}`) ?? position.size;
  outcomes.sort((a, b) => at(a) - at(b));
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const scaled = max > 0 ? round(raw / max) : 0;
  return {
    raw: round(raw),
    max: round(max),
    scaled,
    passed: scaled >= masteryScore,
    outcomes,
    items,
  };
}
