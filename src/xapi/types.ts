// The xAPI shapes the tracker builds. Kept here rather than taken from @xapi/xapi so that the
// builders stay usable (and type-checked) without loading the client library.

/** A language map: text by RFC 5646 language tag. */
export type LanguageMap = Record<string, string>;

/** An xAPI Agent identified by an account on the site (never an e-mail address). */
export interface AccountAgent {
  objectType: 'Agent';
  /** The learner's name as they gave it at enrolment. */
  name?: string;
  account: { homePage: string; name: string };
}

/** One component of an interaction: a choice, a source or target, or a step. */
export interface InteractionComponent {
  id: string;
  description: LanguageMap;
}

/** An activity definition, with the cmi.interaction fields for questions. */
export interface ActivityDefinition {
  type?: string;
  name?: LanguageMap;
  description?: LanguageMap;
  interactionType?: 'true-false' | 'choice' | 'matching' | 'sequencing';
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
}

/** An xAPI Activity. */
export interface Activity {
  objectType: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}

/** The result of a statement. */
export interface Result {
  score?: { scaled?: number; raw?: number; min?: number; max?: number };
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
}

/** The context of a statement. */
export interface Context {
  registration?: string;
  contextActivities?: {
    parent?: Activity[];
    grouping?: Activity[];
    category?: Activity[];
    other?: Activity[];
  };
  language?: string;
  extensions?: Record<string, string | number | boolean>;
}

/** A statement as the tracker builds it: its id is set when it is built, never later. */
export interface Statement {
  id: string;
  actor: AccountAgent;
  verb: { id: string; display: LanguageMap };
  object: Activity;
  result?: Result;
  context: Context;
  timestamp: string;
}
