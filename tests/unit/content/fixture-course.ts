/**
 * A small complete course, in English and French, that passes every content check: one module with
 * three outcomes, its quiz of eight questions of four types, a glossary term and a track. Tests
 * change one file at a time to break one rule; keys are paths under the project root.
 */

function moduleMdx(lang: string): string {
  return `---
id: coordination
title: Coordination with child protection actors
summary: Who to call when a peacekeeper meets a child at risk, and how to hand the case over.
audience: all
minutes: 20
outcomes:
  - id: refer
    text: Refer a child at risk to the right child protection actor.
  - id: mandate
    text: Explain why peacekeepers do not question children themselves.
  - id: actors
    text: Name the actors inside and outside the mission.
version: 1.0.0
lang: ${lang}
sources:
  - title: Report of the Secretary-General
    symbol: A/68/257
order: 1
keyMessages:
  - Hand the child over; do not investigate yourself.
---

## Who to call

The <Term id="cpa">child protection adviser</Term> is your first call in the mission.
`;
}

const question = (id: string, type: string, outcome: string, rest: string) => `  - id: ${id}
    type: ${type}
    outcomes: [${outcome}]
    prompt: A question the fixture asks about ${outcome}.
    explanation: The reason the answer is what it is.
${rest}`;

const options = `    options:
      - { id: right, text: The right answer, correct: true }
      - { id: wrong, text: A wrong answer }
`;

function quizYaml(lang: string): string {
  return `id: coordination-check
module: coordination
lang: ${lang}
title: Check your knowledge
masteryScore: 0.8
questions:
${question('q1', 'single-choice', 'refer', options)}${question('q2', 'multiple-response', 'actors', options)}${question('q3', 'true-false', 'mandate', '    answer: false\n')}${question('q4', 'true-false', 'refer', '    answer: true\n')}${question(
    'q5',
    'ordering',
    'refer',
    `    steps:
      - { id: safe, text: Make the child safe }
      - { id: call, text: Call the child protection adviser }
`,
  )}${question('q6', 'single-choice', 'actors', options)}${question('q7', 'true-false', 'mandate', '    answer: false\n')}${question('q8', 'multiple-response', 'refer', options)}`;
}

function glossaryYaml(lang: string): string {
  return `term: CPA
expansion: Child protection adviser
definition: A mission staff member who leads the mission's work on child protection.
lang: ${lang}
`;
}

function trackYaml(lang: string): string {
  return `id: police
title: Police track
summary: For police officers preparing to deploy.
audience: police
modules: [coordination]
lang: ${lang}
order: 1
`;
}

/** The fixture course: every file by its path under the project root. */
export function fixtureCourse(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const lang of ['en', 'fr']) {
    files[`content/modules/${lang}/coordination.mdx`] = moduleMdx(lang);
    files[`content/quizzes/${lang}/coordination.yaml`] = quizYaml(lang);
    files[`content/glossary/${lang}/cpa.yaml`] = glossaryYaml(lang);
    files[`content/tracks/${lang}/police.yaml`] = trackYaml(lang);
  }
  return files;
}

/**
 * A learning outcome of a seed text (the police module "Coordination with child protection
 * actors", Module 4), copied on purpose: the seed-overlap check must catch it against the
 * committed hashes, with no seeds present.
 */
export const SEED_SENTENCE =
  'Understand coordination on child protection in UN peacekeeping missions including the role of the UN police';
