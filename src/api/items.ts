// The shapes and thresholds of the item statistics API (/api/reports/items...), shared by the
// service that computes them and the staff page that shows them: one definition for both.

/** Attempts an item must have been seen in before its discrimination or distractors are judged. */
export const MIN_SEEN = 10;
/** Attempts per language before the two languages' facilities are compared. */
export const MIN_SEEN_PER_LANGUAGE = 5;
/** Discrimination below this is flagged as near zero. */
export const LOW_DISCRIMINATION = 0.1;
/** A gap in facility between English and French beyond this is flagged (15 points). */
export const LANGUAGE_GAP = 0.15;

/** How often one option was chosen. */
export interface OptionStat {
  id: string;
  text: string;
  /** Whether the option is right: the DPO's figures only, never a trainer's. */
  correct?: boolean;
  chosen: number;
}

/** Why an item looks dubious. */
export type ItemFlag =
  'negative-discrimination' | 'low-discrimination' | 'unchosen-distractor' | 'language-gap';

/** One bank item's statistics. */
export interface ItemStat {
  item: string;
  module: string;
  outcome: string;
  type: string;
  prompt: string;
  retired: boolean;
  /** Graded attempts whose form had the item. */
  seen: number;
  /** Mean score on the item, from 0 to 1 (the share right); null when unseen. */
  facility: number | null;
  facilityEn: number | null;
  facilityFr: number | null;
  seenEn: number;
  seenFr: number;
  /** The mean score of uniform random answers. */
  guessScore: number;
  /** Correlation of the item's score with the rest of the form's score; null when undefined. */
  discrimination: number | null;
  /** For choice items, how often each option was chosen (scenario: the decision). */
  options: OptionStat[];
  flags: ItemFlag[];
}

/** GET /api/reports/items: the items of a track's banks, overall or for one cohort. */
export interface ItemStatsAnswer {
  items: ItemStat[];
}

/** PUT /api/reports/items/:item/retired's answer. */
export interface RetiredAnswer {
  item: string;
  retired: boolean;
}

/** One line of the log of retirements (GET /api/reports/items/retirements), newest first. */
export interface RetirementEntry {
  item: string;
  retired: boolean;
  by: string;
  at: string;
}
