import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/server/http/errors.ts';
import {
  isDuration,
  isIri,
  isLanguageTag,
  parseTimestamp,
} from '../../src/server/lrs/xapi/formats.ts';
import { agentIfi, indexStatement } from '../../src/server/lrs/xapi/statement-index.ts';
import { validateStatement } from '../../src/server/lrs/xapi/validate.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';

const base = (): JsonObject => ({
  id: '4f6b6a52-1d4e-4b7e-9e7a-0d5a2f7c1b11',
  actor: { mbox: 'mailto:learner@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://peacekeeping.example.org/modules/grave-violations' },
});

function errorOf(s: unknown): string {
  try {
    validateStatement(s);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error('expected the statement to be rejected');
}

describe('validateStatement accepts', () => {
  it.each<[string, JsonObject]>([
    ['a minimal statement', base()],
    [
      'an identified Group actor',
      {
        ...base(),
        actor: { objectType: 'Group', account: { homePage: 'https://un.org', name: 'unit-7' } },
      },
    ],
    [
      'an anonymous Group with members',
      { ...base(), actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.org' }] } },
    ],
    [
      'an Agent object',
      { ...base(), object: { objectType: 'Agent', openid: 'https://id.example.org/x' } },
    ],
    [
      'a StatementRef object',
      {
        ...base(),
        object: { objectType: 'StatementRef', id: '4f6b6a52-1d4e-4b7e-9e7a-0d5a2f7c1b12' },
      },
    ],
    [
      'a SubStatement',
      {
        ...base(),
        object: {
          objectType: 'SubStatement',
          actor: { mbox_sha1sum: 'a'.repeat(40) },
          verb: { id: 'http://x.org/v' },
          object: { id: 'http://x.org/a' },
        },
      },
    ],
    [
      'a full result',
      {
        ...base(),
        result: {
          score: { scaled: 0.8, raw: 8, min: 0, max: 10 },
          success: true,
          completion: true,
          response: 'a',
          duration: 'PT1H2M3.5S',
          extensions: { 'http://x.org/e': null },
        },
      },
    ],
    [
      'a full context',
      {
        ...base(),
        context: {
          registration: '4f6b6a52-1d4e-4b7e-9e7a-0d5a2f7c1b13',
          instructor: { mbox: 'mailto:t@x.org' },
          team: { objectType: 'Group', member: [{ mbox: 'mailto:m@x.org' }] },
          contextActivities: {
            parent: { id: 'http://x.org/p' },
            grouping: [{ id: 'http://x.org/g' }],
          },
          revision: '2',
          platform: 'web',
          language: 'fr-CA',
          statement: { objectType: 'StatementRef', id: '4f6b6a52-1d4e-4b7e-9e7a-0d5a2f7c1b14' },
        },
      },
    ],
    [
      'an interaction definition',
      {
        ...base(),
        object: {
          id: 'http://x.org/q1',
          definition: {
            type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
            interactionType: 'choice',
            correctResponsesPattern: ['a'],
            choices: [{ id: 'a', description: { en: 'A' } }],
          },
        },
      },
    ],
    ['a timestamp with an offset', { ...base(), timestamp: '2024-05-01T10:00:00.123+02:00' }],
    ['version 1.0.3', { ...base(), version: '1.0.3' }],
    [
      'an attachment with fileUrl',
      {
        ...base(),
        attachments: [
          {
            usageType: 'http://x.org/u',
            display: { en: 'cert' },
            contentType: 'application/pdf',
            length: 10,
            sha2: 'abc',
            fileUrl: 'https://x.org/f.pdf',
          },
        ],
      },
    ],
  ])('%s', (_name, s) => {
    expect(() => validateStatement(s)).not.toThrow();
  });
});

describe('validateStatement rejects', () => {
  it.each<[string, unknown, string]>([
    ['a non-object', [], 'statement: must be an object'],
    ['a missing actor', { ...base(), actor: undefined }, 'needs "actor"'],
    [
      'a missing verb',
      { id: base().id, actor: base().actor, object: base().object },
      'needs "verb"',
    ],
    ['an actor with no identifier', { ...base(), actor: { name: 'x' } }, 'needs one of mbox'],
    [
      'an actor with two identifiers',
      { ...base(), actor: { mbox: 'mailto:a@b.org', openid: 'http://x.org/' } },
      'exactly one',
    ],
    ['a mbox without mailto', { ...base(), actor: { mbox: 'a@b.org' } }, 'statement.actor.mbox'],
    ['a bad sha1', { ...base(), actor: { mbox_sha1sum: 'xyz' } }, 'SHA-1'],
    ['an account without homePage', { ...base(), actor: { account: { name: 'a' } } }, 'homePage'],
    ['an anonymous Group without members', { ...base(), actor: { objectType: 'Group' } }, 'member'],
    [
      'a Group inside a Group',
      {
        ...base(),
        actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:a@b.org' }] },
      },
      'member[0]',
    ],
    ['an unknown property', { ...base(), extra: 1 }, 'unknown property "extra"'],
    [
      'a verb id that is not an IRI',
      { ...base(), verb: { id: 'completed' } },
      'statement.verb.id: must be an absolute IRI',
    ],
    ['a number as verb id', { ...base(), verb: { id: 5 } }, 'must be a string'],
    [
      'a bad language tag',
      { ...base(), verb: { id: 'http://x.org/v', display: { 'not a tag': 'x' } } },
      'language tag',
    ],
    ['a bad statement id', { ...base(), id: 'abc' }, 'statement.id: must be a UUID'],
    ['an activity without id', { ...base(), object: { objectType: 'Activity' } }, 'needs an "id"'],
    [
      'an unknown objectType',
      { ...base(), object: { objectType: 'Thing', id: 'http://x.org/' } },
      'unknown objectType',
    ],
    [
      'a nested SubStatement',
      {
        ...base(),
        object: {
          objectType: 'SubStatement',
          actor: { mbox: 'mailto:a@b.org' },
          verb: { id: 'http://x.org/v' },
          object: {
            objectType: 'SubStatement',
            actor: { mbox: 'mailto:a@b.org' },
            verb: { id: 'http://x.org/v' },
            object: { id: 'http://x.org/a' },
          },
        },
      },
      'another SubStatement',
    ],
    [
      'an id inside a SubStatement',
      {
        ...base(),
        object: {
          objectType: 'SubStatement',
          id: base().id,
          actor: { mbox: 'mailto:a@b.org' },
          verb: { id: 'http://x.org/v' },
          object: { id: 'http://x.org/a' },
        },
      },
      'unknown property "id"',
    ],
    [
      'a scaled score above 1',
      { ...base(), result: { score: { scaled: 1.5 } } },
      'between -1 and 1',
    ],
    ['a raw score above max', { ...base(), result: { score: { raw: 11, max: 10 } } }, 'above max'],
    ['min not below max', { ...base(), result: { score: { min: 5, max: 5 } } }, 'less than max'],
    ['a string as success', { ...base(), result: { success: 'yes' } }, 'must be a boolean'],
    ['a bad duration', { ...base(), result: { duration: '1 hour' } }, 'ISO 8601 duration'],
    [
      'a bad registration',
      { ...base(), context: { registration: 'nope' } },
      'context.registration',
    ],
    [
      'revision with a non-activity object',
      {
        ...base(),
        object: { objectType: 'Agent', mbox: 'mailto:a@b.org' },
        context: { revision: '1' },
      },
      'only be used when the object is an Activity',
    ],
    [
      'a team that is not a Group',
      { ...base(), context: { team: { mbox: 'mailto:a@b.org' } } },
      'must be a Group',
    ],
    ['a bad timestamp', { ...base(), timestamp: 'yesterday' }, 'ISO 8601 timestamp'],
    ['a -00:00 offset', { ...base(), timestamp: '2024-05-01T10:00:00-00:00' }, 'timestamp'],
    ['a month 13', { ...base(), timestamp: '2024-13-01T10:00:00Z' }, 'timestamp'],
    ['version 2.0', { ...base(), version: '2.0.0' }, 'must be 1.0.x'],
    ['a null value', { ...base(), result: { response: null } }, 'must not be null'],
    [
      'an extension key that is not an IRI',
      { ...base(), result: { extensions: { score: 1 } } },
      'extension key',
    ],
    [
      'an unknown interaction type',
      { ...base(), object: { id: 'http://x.org/q', definition: { interactionType: 'essay' } } },
      'interaction type',
    ],
    [
      'components without interactionType',
      { ...base(), object: { id: 'http://x.org/q', definition: { choices: [] } } },
      'interactionType',
    ],
    [
      'duplicate component ids',
      {
        ...base(),
        object: {
          id: 'http://x.org/q',
          definition: { interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] },
        },
      },
      'duplicate',
    ],
    [
      'a voiding statement without StatementRef',
      { ...base(), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } },
      'StatementRef',
    ],
  ])('%s', (_name, s, message) => {
    expect(errorOf(s)).toContain(message);
  });
});

describe('formats', () => {
  it('recognises IRIs, durations, language tags and timestamps', () => {
    expect(isIri('https://un.org/x')).toBe(true);
    expect(isIri('urn:uuid:1')).toBe(true);
    expect(isIri('no scheme')).toBe(false);
    expect(isIri('http://has space')).toBe(false);
    expect(isDuration('P1DT2H')).toBe(true);
    expect(isDuration('P')).toBe(false);
    expect(isDuration('PT')).toBe(false);
    expect(isLanguageTag('zh-Hant-TW')).toBe(true);
    expect(isLanguageTag('e')).toBe(false);
    expect(parseTimestamp('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTimestamp('2024-05-01T12:00:00+0200')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTimestamp('2024-05-01')).toBeNull();
  });
});

describe('statement index', () => {
  it('separates direct and related agents and activities', () => {
    const s: JsonObject = {
      ...base(),
      actor: {
        objectType: 'Group',
        mbox: 'mailto:unit@x.org',
        member: [{ mbox: 'mailto:m@x.org' }],
      },
      context: {
        instructor: { mbox: 'mailto:t@x.org' },
        contextActivities: { parent: [{ id: 'http://x.org/course' }] },
      },
    };
    const index = indexStatement(s);
    expect(index.agents).toEqual([
      { ifi: 'group|mbox|mailto:unit@x.org', direct: true },
      { ifi: 'agent|mbox|mailto:m@x.org', direct: true },
      { ifi: 'agent|mbox|mailto:t@x.org', direct: false },
    ]);
    expect(index.activities).toEqual([
      { id: 'https://peacekeeping.example.org/modules/grave-violations', direct: true },
      { id: 'http://x.org/course', direct: false },
    ]);
    expect(agentIfi({ account: { homePage: 'https://x.org', name: 'n' } })).toBe(
      'agent|account|https://x.org|n',
    );
  });
});
