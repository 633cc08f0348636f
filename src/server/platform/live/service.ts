import { createHash, randomInt, randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import type { LiveJoin, LiveRoomState } from '../../../api/live.ts';
import {
  activityIris,
  ACTIVITY_TYPES,
  cohortExtension,
  siteBase,
  VERBS,
} from '../../../xapi/vocabulary.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import type { NewStatement, Store } from '../../lrs/store/types.ts';
import { agentIfi, indexStatement, statementFingerprint } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { validateStatement } from '../../lrs/xapi/validate.ts';
import type { LiveQuestion, LiveRecords } from '../store/live.ts';
import { letter, publicQuestion, revealOf, sourceKey, type LiveSource } from './questions.ts';

/** The credential key recorded on the answers' statements (never a real credential's key). */
export const LIVE_CREDENTIAL_KEY = 'service:live-questions';

/** Who answers: an enrolled learner (their Agent), or a phone that joined with a room code. */
export type Participant = { learner: JsonObject } | { token: string };

/** Whether a URL's host is this machine only (phones in the room cannot reach it). */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host.startsWith('127.')
  );
}

/**
 * Live questions: a trainer puts a knowledge-check question to a cohort's room, the room answers
 * from phones, and the trainer reveals the key. Every answer is an xAPI "answered" statement of
 * the cohort's session, written through the LRS store under this service's authority, with no
 * success flag (a learner reads their own statements; the key stays on the server until reveal).
 */
export class LiveService {
  readonly #store: Store;
  readonly #records: LiveRecords;
  readonly #sources: Map<string, LiveSource>;
  readonly #site: string;
  readonly #iris: ReturnType<typeof activityIris>;
  readonly #authority: JsonObject;

  constructor(
    store: Store,
    records: LiveRecords,
    sources: Map<string, LiveSource>,
    siteUrl: string,
    authorityHomePage: string,
  ) {
    this.#store = store;
    this.#records = records;
    this.#sources = sources;
    this.#site = siteBase(siteUrl);
    this.#iris = activityIris(siteUrl);
    this.#authority = {
      objectType: 'Agent',
      name: 'Live questions service',
      account: { homePage: authorityHomePage, name: LIVE_CREDENTIAL_KEY },
    };
  }

  /** The questions a room can be asked, per language and module: [questionId, prompt]. */
  catalogue(lang: string): Record<string, { id: string; prompt: string }[]> {
    const out: Record<string, { id: string; prompt: string }[]> = {};
    for (const source of this.#sources.values()) {
      if (source.quiz.lang !== lang) continue;
      (out[source.quiz.module] ??= []).push({
        id: source.question.id,
        prompt: source.question.prompt,
      });
    }
    return out;
  }

  /** Where phones join a room, and its QR code. */
  async join(cohort: string, lang: string): Promise<LiveJoin> {
    const url = `${this.#site}/${lang}/live/?code=${encodeURIComponent(cohort)}`;
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { url, qrSvg, loopback: isLoopbackUrl(this.#site) };
  }

  /** The room's state as every screen shows it: the key only once revealed. */
  async state(cohort: string): Promise<LiveRoomState> {
    const q = await this.#records.current(cohort);
    if (q === null) {
      return { cohort, question: null, answers: 0, counts: {}, revealed: null, closed: true };
    }
    const source = this.#sourceOf(q);
    return {
      cohort,
      question: source === undefined ? null : publicQuestion(q.id, source, q.options, q.startedAt),
      answers: q.answers,
      counts: await this.#records.counts(q.id),
      revealed: q.revealedAt !== null && source !== undefined ? revealOf(source, q.options) : null,
      closed: q.closedAt !== null,
    };
  }

  /** Puts a question to the room (closing the open one), options in a new random order. */
  async start(
    cohort: string,
    staffId: string,
    lang: string,
    moduleId: string,
    questionId: string,
  ): Promise<LiveQuestion> {
    const source = this.#sources.get(sourceKey(lang, moduleId, questionId));
    if (source === undefined) {
      throw notFound('no such knowledge-check question to ask live (choice questions only)');
    }
    const order = source.options.map((o) => o.id);
    // True/false keeps its order; other options are shuffled, since a file often lists the right one first.
    if (source.question.type !== 'true-false') {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = randomInt(i + 1);
        [order[i], order[j]] = [order[j] ?? '', order[i] ?? ''];
      }
    }
    const started = await this.#records.start({
      id: randomUUID(),
      cohort,
      moduleId,
      questionId,
      language: lang,
      options: order,
      startedBy: staffId,
    });
    if (started === null)
      throw conflict('another question was started in this room at the same moment');
    return started;
  }

  /** A question of the room, or 404. */
  async questionOf(cohort: string, id: string): Promise<LiveQuestion> {
    const q = await this.#records.byId(id);
    if (q?.cohort !== cohort) throw notFound('no such live question in this room');
    return q;
  }

  async reveal(cohort: string, id: string): Promise<void> {
    await this.questionOf(cohort, id);
    await this.#records.reveal(id);
  }

  async close(cohort: string, id: string): Promise<void> {
    await this.questionOf(cohort, id);
    await this.#records.close(id);
  }

  /**
   * Records one participant's answer (letters as shown) and its statement. A participant's later
   * answer replaces their earlier one: its statement is stored with a voiding statement of the
   * earlier one, so the room's counts and the LRS agree on one answer each. An answer after the
   * reveal or close is refused (409 question_closed), and so is a phone's first answer once the
   * question has as many answers from phones as the cohort has seats (409 room_full): a phone's
   * token is of its own making, so the seats bound what one phone sending new tokens can add.
   */
  async answer(
    cohort: string,
    id: string,
    choice: unknown,
    who: Participant,
    seats: number,
  ): Promise<'recorded' | 'replaced' | 'unchanged'> {
    const q = await this.questionOf(cohort, id);
    const source = this.#sourceOf(q);
    if (source === undefined)
      throw conflict('this question is no longer offered', 'question_closed');
    const letters = this.#checkChoice(choice, q, source);
    const { participant, learnerIfi, actor } = this.#identify(who);
    const statement = this.#statement(actor, cohort, q, source, letters);
    const answer = {
      questionId: q.id,
      participant,
      learnerIfi,
      choice: letters,
      statementId: statement.id,
    };
    const recorded = await this.#records.answer(answer, seats);
    if (recorded.outcome === 'closed') {
      throw conflict(
        'this question is closed: the answer was revealed or the trainer moved on',
        'question_closed',
      );
    }
    if (recorded.outcome === 'full') {
      throw conflict(
        `this question has as many answers from phones as the cohort has seats (${String(seats)}); ` +
          'sign in to answer, or ask the trainer to add seats',
        'room_full',
      );
    }
    if (recorded.outcome === 'unchanged') return 'unchanged';
    // The answer's row claims the participant's answer; its statement (with the voiding of the
    // one it replaces) then goes to the LRS through the store. If that write fails the row is
    // withdrawn or put back, so every recorded answer has its statement and the phone may send
    // again.
    const statements =
      recorded.outcome === 'replaced'
        ? [statement, this.#voiding(actor, recorded.previous.statementId)]
        : [statement];
    try {
      await this.#store.insertStatements(statements);
    } catch (error) {
      if (recorded.outcome === 'replaced') {
        await this.#records.restore(answer, recorded.previous);
      } else {
        await this.#records.withdraw(answer);
      }
      throw error;
    }
    return recorded.outcome;
  }

  #sourceOf(q: LiveQuestion): LiveSource | undefined {
    return this.#sources.get(sourceKey(q.language, q.moduleId, q.questionId));
  }

  #checkChoice(choice: unknown, q: LiveQuestion, source: LiveSource): string[] {
    const shown = q.options.map((_, i) => letter(i));
    if (
      !Array.isArray(choice) ||
      choice.length === 0 ||
      !choice.every((c): c is string => typeof c === 'string' && shown.includes(c)) ||
      new Set(choice).size !== choice.length
    ) {
      throw badRequest(`choice: a list of distinct letters among ${shown.join(', ')}`);
    }
    if (source.kind === 'single' && choice.length !== 1) {
      throw badRequest('choice: this question takes one letter');
    }
    return [...choice].sort();
  }

  #identify(who: Participant): {
    participant: string;
    learnerIfi: string | null;
    actor: JsonObject;
  } {
    if ('learner' in who) {
      const ifi = agentIfi(who.learner) ?? '';
      return { participant: ifi, learnerIfi: ifi, actor: who.learner };
    }
    const hash = createHash('sha256').update(who.token).digest('hex');
    return {
      participant: `anon:${hash}`,
      learnerIfi: null,
      // A pseudonym per phone, tied to no learner: the room's answers stay countable in the LRS.
      actor: {
        objectType: 'Agent',
        account: { homePage: `${this.#site}/live`, name: `phone-${hash.slice(0, 32)}` },
      },
    };
  }

  // The participant takes back an earlier answer: voided under this service's authority, which
  // stored it.
  #voiding(actor: JsonObject, target: string): NewStatement {
    return this.#stored({
      id: randomUUID(),
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
      object: { objectType: 'StatementRef', id: target },
      timestamp: new Date().toISOString(),
    });
  }

  // "answered" on the knowledge-check question, in the context of the cohort's session: the
  // response in the option ids of the course (true/false as "true" or "false"), and no success.
  #statement(
    actor: JsonObject,
    cohort: string,
    q: LiveQuestion,
    source: LiveSource,
    letters: readonly string[],
  ): NewStatement {
    const ids = letters.map((l) => q.options[l.charCodeAt(0) - 65] ?? '');
    const trueFalse = source.question.type === 'true-false';
    const raw: JsonObject = {
      id: randomUUID(),
      actor,
      verb: { id: VERBS.answered, display: { en: 'answered' } },
      object: {
        objectType: 'Activity',
        id: this.#iris.question(source.quiz.id, source.question.id),
        definition: {
          type: ACTIVITY_TYPES.interaction,
          name: { [source.quiz.lang]: source.question.prompt },
          interactionType: trueFalse ? 'true-false' : 'choice',
          ...(trueFalse
            ? {}
            : {
                choices: source.options.map((o) => ({
                  id: o.id,
                  description: { [source.quiz.lang]: o.text },
                })),
              }),
        },
      },
      result: { response: ids.join('[,]') },
      context: {
        contextActivities: {
          parent: [{ objectType: 'Activity', id: this.#iris.quiz(source.quiz.id) }],
          grouping: [
            {
              objectType: 'Activity',
              id: `${this.#site}/xapi/activities/cohort/${encodeURIComponent(cohort)}`,
            },
            { objectType: 'Activity', id: `${this.#site}/xapi/activities/live-question/${q.id}` },
          ],
        },
        extensions: { [cohortExtension(this.#site)]: cohort },
        language: source.quiz.lang,
      },
      timestamp: new Date().toISOString(),
    };
    return this.#stored(raw);
  }

  /** A statement of this service, validated and ready for the store. */
  #stored(raw: JsonObject): NewStatement {
    const checked = validateStatement(raw, 'statement');
    const stored = new Date().toISOString();
    const statement: JsonObject = {
      ...checked,
      stored,
      authority: this.#authority,
      version: '1.0.3',
    };
    return {
      id: raw.id as string,
      statement,
      fingerprint: statementFingerprint(checked),
      stored,
      index: indexStatement(statement),
      credentialKey: LIVE_CREDENTIAL_KEY,
    };
  }
}
