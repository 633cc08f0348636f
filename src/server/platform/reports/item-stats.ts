import {
  SCENARIO_DECISION_SHARE,
  scoreQuestion,
  type QuestionResponse,
} from '../../../quiz/scoring.ts';
import type { FollowUp, Question } from '../../../schemas/quiz.ts';
import type { CertificationTrack } from '../certification/rules.ts';
import type { GradedAttemptRow } from '../store/item-stats.ts';
import {
  LANGUAGE_GAP,
  LOW_DISCRIMINATION,
  MIN_SEEN,
  MIN_SEEN_PER_LANGUAGE,
  type ItemStat,
  type OptionStat,
} from '../../../api/items.ts';

export { LANGUAGE_GAP, LOW_DISCRIMINATION, MIN_SEEN, MIN_SEEN_PER_LANGUAGE };
export type { ItemStat, OptionStat };

const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Pearson's correlation, or null when either side does not vary. */
export function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [i, x] of xs.entries()) {
    const y = ys[i] ?? 0;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function* subsets<T>(list: readonly T[]): Generator<T[]> {
  for (let mask = 1; mask < 1 << list.length; mask += 1) {
    yield list.filter((_, i) => (mask & (1 << i)) !== 0);
  }
}

function* permutations<T>(list: readonly T[]): Generator<T[]> {
  if (list.length <= 1) {
    yield [...list];
    return;
  }
  for (const [i, head] of list.entries()) {
    for (const rest of permutations([...list.slice(0, i), ...list.slice(i + 1)])) {
      yield [head, ...rest];
    }
  }
}

/**
 * The mean score of uniform random answers to a question under the real scoring rules: every
 * option, every non-empty set of options, every order of steps (up to seven), one target per item
 * at random; a scenario's decision and follow-up are guessed apart.
 */
export function guessScore(q: Question | FollowUp): number {
  const average = (responses: Iterable<QuestionResponse>) => {
    let sum = 0;
    let n = 0;
    for (const r of responses) {
      sum += scoreQuestion(q, r);
      n += 1;
    }
    return n === 0 ? 0 : sum / n;
  };
  switch (q.type) {
    case 'single-choice':
      return average(q.options.map((o) => [o.id]));
    case 'multiple-response':
      return average(subsets(q.options.map((o) => o.id)));
    case 'true-false':
      return average([true, false]);
    case 'matching':
      return 1 / q.targets.length;
    case 'ordering':
      return q.steps.length > 7 ? 0.5 : average(permutations(q.steps.map((s) => s.id)));
    case 'scenario': {
      const decision = 1 / q.options.length;
      if (q.followUp === undefined) return decision;
      return (
        SCENARIO_DECISION_SHARE * decision + (1 - SCENARIO_DECISION_SHARE) * guessScore(q.followUp)
      );
    }
  }
}

const round = (v: number | null): number | null =>
  v === null ? null : Math.round(v * 1000) / 1000;

/**
 * Item statistics of a track's banks from graded attempts: per item how many saw it, its facility
 * overall and per language, its random-guess score, its discrimination (the correlation of the
 * item's score with the mean of the form's other items), how often each option was chosen, and
 * flags on dubious items.
 */
export function itemStatistics(
  track: CertificationTrack,
  attempts: readonly GradedAttemptRow[],
  retired: ReadonlySet<string>,
  lang = 'en',
): ItemStat[] {
  const stats: ItemStat[] = [];
  for (const module of track.modules) {
    const bank = module.banks.en;
    // The prompt and options in the asked language, where the bank has it (same ids and order).
    const shown = module.banks[lang] ?? bank;
    for (const item of bank?.items ?? []) {
      const inLang = shown?.items.find((i) => i.id === item.id) ?? item;
      const own: number[] = [];
      const rest: number[] = [];
      const byLang: Record<string, number[]> = { en: [], fr: [] };
      const chosen = new Map<string, number>();
      for (const attempt of attempts) {
        const mine = attempt.items.find((r) => r.item === item.id);
        if (mine === undefined) continue;
        own.push(mine.score);
        const others = attempt.items.filter((r) => r !== mine).map((r) => r.score);
        rest.push(mean(others));
        (byLang[attempt.language] ??= []).push(mine.score);
        for (const id of mine.chosen) chosen.set(id, (chosen.get(id) ?? 0) + 1);
      }
      const options: OptionStat[] =
        'options' in item
          ? item.options.map((o) => ({
              id: o.id,
              text:
                ('options' in inLang
                  ? inLang.options.find((x) => x.id === o.id)?.text
                  : undefined) ?? o.text,
              correct: o.correct,
              chosen: chosen.get(o.id) ?? 0,
            }))
          : [];
      const discrimination = correlation(own, rest);
      const en = byLang.en ?? [];
      const fr = byLang.fr ?? [];
      const flags: ItemStat['flags'] = [];
      if (own.length >= MIN_SEEN && discrimination !== null) {
        if (discrimination < 0) flags.push('negative-discrimination');
        else if (discrimination < LOW_DISCRIMINATION) flags.push('low-discrimination');
      }
      if (own.length >= MIN_SEEN && options.some((o) => !o.correct && o.chosen === 0)) {
        flags.push('unchosen-distractor');
      }
      if (
        en.length >= MIN_SEEN_PER_LANGUAGE &&
        fr.length >= MIN_SEEN_PER_LANGUAGE &&
        Math.abs(mean(en) - mean(fr)) > LANGUAGE_GAP
      ) {
        flags.push('language-gap');
      }
      stats.push({
        item: item.id,
        module: module.module,
        outcome: item.outcomes[0] ?? '',
        type: item.type,
        prompt: inLang.prompt,
        retired: retired.has(item.id),
        seen: own.length,
        facility: own.length === 0 ? null : round(mean(own)),
        facilityEn: en.length === 0 ? null : round(mean(en)),
        facilityFr: fr.length === 0 ? null : round(mean(fr)),
        seenEn: en.length,
        seenFr: fr.length,
        guessScore: round(guessScore(item)) ?? 0,
        discrimination: round(discrimination),
        options,
        flags,
      });
    }
  }
  return stats;
}
