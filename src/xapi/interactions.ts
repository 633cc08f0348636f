import type { FollowUp, Question } from '../schemas/quiz.ts';
import type { QuestionResponse } from '../quiz/scoring.ts';
import type { ActivityDefinition, InteractionComponent, LanguageMap } from './types.ts';

// Delimiters of the xAPI response format (xAPI 1.0.3, "Interaction Activities").
const LIST = '[,]';
const PAIR = '[.]';

const text = (lang: string, value: string): LanguageMap => ({ [lang]: value });

const components = (
  lang: string,
  list: readonly { id: string; text: string }[],
): InteractionComponent[] =>
  list.map((item) => ({ id: item.id, description: text(lang, item.text) }));

const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A question that maps to one cmi.interaction: any type but a scenario, or a scenario's decision. */
type Describable = Question | FollowUp;

/**
 * The cmi.interaction definition of a question as written (not as shuffled): single choice and
 * multiple response are "choice", true/false is "true-false", matching has source (items) and
 * target (groups), ordering is "sequencing" with its steps as choices, and a scenario is the
 * "choice" of its decision (its follow-up is described on its own).
 */
export function interactionDefinition(question: Describable, lang: string): ActivityDefinition {
  const base: ActivityDefinition = {
    type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
    name: text(lang, question.prompt),
    description: text(lang, question.type === 'scenario' ? question.scenario : question.prompt),
  };
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'scenario':
      return {
        ...base,
        interactionType: 'choice',
        choices: components(lang, question.options),
        correctResponsesPattern: [
          question.options
            .filter((option) => option.correct)
            .map((option) => option.id)
            .join(LIST),
        ],
      };
    case 'true-false':
      return {
        ...base,
        interactionType: 'true-false',
        correctResponsesPattern: [String(question.answer)],
      };
    case 'matching':
      return {
        ...base,
        interactionType: 'matching',
        source: components(lang, question.items),
        target: components(lang, question.targets),
        correctResponsesPattern: [
          question.items.map((item) => `${item.id}${PAIR}${item.target}`).join(LIST),
        ],
      };
    case 'ordering':
      return {
        ...base,
        interactionType: 'sequencing',
        choices: components(lang, question.steps),
        correctResponsesPattern: [question.steps.map((step) => step.id).join(LIST)],
      };
  }
}

/**
 * The learner's response in the xAPI response format of the question's interaction type, or
 * undefined when there is none (a question left unanswered in the all-on-one-page view).
 */
export function interactionResponse(
  question: Describable,
  response: QuestionResponse | undefined,
): string | undefined {
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'ordering': {
      const list = ids(response);
      return list.length > 0 ? list.join(LIST) : undefined;
    }
    case 'true-false':
      return typeof response === 'boolean' ? String(response) : undefined;
    case 'matching': {
      if (!isRecord(response)) return undefined;
      const pairs = question.items
        .filter((item) => typeof response[item.id] === 'string' && response[item.id] !== '')
        .map((item) => `${item.id}${PAIR}${String(response[item.id])}`);
      return pairs.length > 0 ? pairs.join(LIST) : undefined;
    }
    case 'scenario':
      return isRecord(response) && typeof response.decision === 'string'
        ? response.decision
        : undefined;
  }
}
