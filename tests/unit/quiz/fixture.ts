import { parse } from 'yaml';

/**
 * A valid quiz as a course writer would write it in YAML, with one question of every type.
 * Tests change one field to break one rule at a time.
 */
export const quizYaml = `
id: coordination-check
module: coordination
lang: en
title: Check your knowledge
masteryScore: 0.8
attempts: 3
questions:
  - id: q1
    type: single-choice
    outcomes: [refer]
    prompt: Who leads child protection in the mission?
    explanation: The child protection adviser leads it.
    options:
      - { id: cpa, text: The child protection adviser, correct: true, feedback: Right. }
      - { id: ops, text: The operations officer, feedback: No. }
      - { id: log, text: The logistics officer }
  - id: q2
    type: multiple-response
    outcomes: [refer]
    prompt: Which are grave violations?
    explanation: Both are among the six.
    options:
      - { id: recruit, text: Recruitment and use, correct: true }
      - { id: abduct, text: Abduction, correct: true }
      - { id: truancy, text: Truancy }
      - { id: curfew, text: Breaking curfew }
  - id: q3
    type: true-false
    outcomes: [mandate]
    prompt: Peacekeepers may interview a child victim at length.
    explanation: They refer the child instead.
    answer: false
  - id: q4
    type: matching
    outcomes: [actors]
    weight: 2
    prompt: Match each actor to its group.
    explanation: The actor map sorts them so.
    targets:
      - { id: mission, text: Within the UN mission }
      - { id: agencies, text: UN agencies and NGOs }
      - { id: government, text: National and local government }
    items:
      - { id: cpa, text: Child protection adviser, target: mission }
      - { id: unicef, text: UNICEF, target: agencies }
      - { id: social, text: Social welfare ministry, target: government }
      - { id: ngo, text: A child protection NGO, target: agencies }
  - id: q5
    type: ordering
    outcomes: [refer]
    prompt: Put the referral steps in order.
    explanation: Safety first, then referral.
    steps:
      - { id: safe, text: Make the child safe }
      - { id: inform, text: Inform the child protection adviser }
      - { id: refer, text: Refer to a service provider }
      - { id: record, text: Record what was done }
  - id: q6
    type: scenario
    outcomes: [refer]
    scenario: At a checkpoint you find a boy of twelve carrying a rifle.
    prompt: What do you do first?
    explanation: Treat him as a child, disarm safely and hand over.
    options:
      - { id: detain, text: Detain him with the adults }
      - { id: handover, text: Disarm him safely and call the child protection adviser, correct: true }
    followUp:
      id: q6-follow
      type: true-false
      outcomes: [mandate]
      prompt: The boy should be questioned about his armed group.
      explanation: Children are not interrogated for intelligence.
      answer: false
`;

/** A raw option, item, target or step, as YAML gives it. */
export interface RawEntry {
  id: string;
  text: string;
  correct?: boolean;
  target?: string;
}

/** A raw question, as YAML gives it; only the fields the tests change are typed. */
export interface RawQuestion {
  id: string;
  type: string;
  options: RawEntry[];
  items: RawEntry[];
  targets: RawEntry[];
  steps: RawEntry[];
  followUp?: RawQuestion | Record<string, unknown>;
}

/** A raw quiz, as YAML gives it. */
export interface RawQuiz {
  masteryScore: number;
  draw?: number;
  questions: RawQuestion[];
}

/** A fresh YAML-like quiz object; each call returns a new copy to change. */
export function rawQuiz(): RawQuiz {
  return parse(quizYaml) as RawQuiz;
}

/** The raw question with the given id, to change in place. */
export function rawQuestion(quiz: RawQuiz, id: string): RawQuestion {
  const question = quiz.questions.find((candidate) => candidate.id === id);
  if (!question) throw new Error(`no question ${id} in the fixture`);
  return question;
}

/** The entry at an index, failing the test loudly when the fixture has no such entry. */
export function nth(entries: RawEntry[], index: number): RawEntry {
  const entry = entries[index];
  if (!entry) throw new Error(`no entry ${index} in the fixture`);
  return entry;
}
