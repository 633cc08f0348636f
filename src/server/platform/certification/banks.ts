import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'astro/zod';
import { parse } from 'yaml';
import { languageSchema, outcomeSchema, stableIdSchema } from '../../../schemas/module.ts';
import { questionSchema, type FollowUp, type Question } from '../../../schemas/quiz.ts';

/**
 * Item banks: assessments/<lang>/<module-id>.yaml, one per module and language, read by the
 * service only. The loader checks each bank against its schema and against the rules of the item
 * bank contract (docs/manual.md, "Item banks"), and refuses to start naming the file and item.
 */

/** assessments/<lang>/<module-id>.yaml: the items that assess one module's learning outcomes. */
export const bankSchema = z.object({
  /** The module id (content/modules/<lang>/<id>.mdx). Required. */
  module: stableIdSchema,
  /** Language of this file. Required. */
  lang: languageSchema,
  /** The items, each an object of the quiz question schema. At least one. */
  items: z.array(questionSchema).min(1),
});

/** A module's bank in one language. */
export type Bank = z.infer<typeof bankSchema>;

/** A learning outcome of a module, as the module's front matter gives it. */
export interface Outcome {
  id: string;
  text: string;
}

/** A module's banks and outcomes in every language, checked. */
export interface ModuleBank {
  module: string;
  /** Module title per language. */
  titles: Record<string, string>;
  /** The module's outcomes per language, in front-matter order (same ids in each). */
  outcomes: Record<string, Outcome[]>;
  /** The bank per language; every language has the same item ids in the same order. */
  banks: Record<string, Bank>;
}

/** Rule 1: items needed per learning outcome (the form draws one per outcome: three per draw). */
export const ITEMS_PER_OUTCOME = 3;
/** Rule 3: how far an option's length may stray from the mean option length of its item. */
export const LENGTH_TOLERANCE = 0.25;
/** Rule 3: the most single-answer items of a bank whose longest option may be a correct one. */
export const LONGEST_CORRECT_SHARE = 0.35;

/** A bank that breaks a rule: the message names the file and the item. */
export class BankError extends Error {
  constructor(file: string, item: string | null, message: string) {
    super(`${file}${item === null ? '' : `: item ${item}`}: ${message}`);
    this.name = 'BankError';
  }
}

const frontMatterSchema = z
  .object({ id: stableIdSchema, title: z.string(), outcomes: z.array(outcomeSchema).min(1) })
  .loose();

/** Reads a module's id, title and outcomes from its MDX front matter. */
export async function readModuleOutcomes(
  root: string,
  lang: string,
  module: string,
): Promise<{ title: string; outcomes: Outcome[] }> {
  const file = path.join(root, 'content/modules', lang, `${module}.mdx`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file}: no such module`);
  });
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const result = frontMatterSchema.safeParse(match === null ? null : parse(match[1] ?? ''));
  if (!result.success) throw new Error(`${file}: front matter without id, title and outcomes`);
  return {
    title: result.data.title,
    outcomes: result.data.outcomes.map(({ id, text: t }) => ({ id, text: t })),
  };
}

/** Parses one bank file; throws naming the file, item and field on a schema error. */
export function parseBank(file: string, source: string): Bank {
  let raw: unknown;
  try {
    raw = parse(source);
  } catch (error) {
    throw new BankError(file, null, `not YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const result = bankSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue?.path ?? [];
    const items = (raw as { items?: { id?: unknown }[] } | null)?.items;
    const itemId =
      at[0] === 'items' && typeof at[1] === 'number' && typeof items?.[at[1]]?.id === 'string'
        ? (items[at[1]]?.id as string)
        : null;
    throw new BankError(file, itemId, `${at.join('.')}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

interface Choice {
  id: string;
  text: string;
  correct: boolean;
}

/** The choice-type parts of an item: the item itself and its follow-up, if they have options. */
function choiceParts(item: Question): (Question | FollowUp)[] {
  const parts: (Question | FollowUp)[] = [item];
  if (item.type === 'scenario' && item.followUp !== undefined) parts.push(item.followUp);
  return parts.filter((p) => 'options' in p);
}

const optionsOf = (q: Question | FollowUp): Choice[] => ('options' in q ? q.options : []);
const isSingleAnswer = (q: Question | FollowUp) =>
  q.type === 'single-choice' || q.type === 'scenario';

/** Keys of one item that the two languages must share (rule 6), in order. */
function keyOf(q: Question | FollowUp): unknown {
  const base = { id: q.id, type: q.type, outcomes: q.outcomes, weight: q.weight };
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return { ...base, options: q.options.map((o) => [o.id, o.correct]) };
    case 'true-false':
      return { ...base, answer: q.answer };
    case 'matching':
      return {
        ...base,
        targets: q.targets.map((t) => t.id),
        items: q.items.map((i) => [i.id, i.target]),
      };
    case 'ordering':
      return { ...base, steps: q.steps.map((s) => s.id) };
    case 'scenario':
      return {
        ...base,
        options: q.options.map((o) => [o.id, o.correct]),
        followUp: q.followUp === undefined ? null : keyOf(q.followUp),
      };
  }
}

/** The answer key must make sense: one right option where one is asked, ids unique. */
function checkKey(file: string, item: Question | FollowUp, owner: string): void {
  const unique = (label: string, ids: string[]) => {
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) throw new BankError(file, owner, `${label} id ${dup} is used twice`);
  };
  switch (item.type) {
    case 'single-choice':
    case 'scenario': {
      unique(
        'option',
        item.options.map((o) => o.id),
      );
      const right = item.options.filter((o) => o.correct).length;
      if (right !== 1) {
        throw new BankError(
          file,
          owner,
          `${item.id} needs exactly one correct option (has ${right})`,
        );
      }
      if (item.type === 'scenario' && item.followUp !== undefined) {
        checkKey(file, item.followUp, owner);
      }
      break;
    }
    case 'multiple-response':
      unique(
        'option',
        item.options.map((o) => o.id),
      );
      if (!item.options.some((o) => o.correct)) {
        throw new BankError(file, owner, `${item.id} has no correct option`);
      }
      break;
    case 'matching': {
      unique(
        'target',
        item.targets.map((t) => t.id),
      );
      unique(
        'item',
        item.items.map((i) => i.id),
      );
      const targets = new Set(item.targets.map((t) => t.id));
      const stray = item.items.find((i) => !targets.has(i.target));
      if (stray !== undefined) {
        throw new BankError(file, owner, `matching item ${stray.id} points at no target`);
      }
      break;
    }
    case 'ordering':
      unique(
        'step',
        item.steps.map((s) => s.id),
      );
      if (item.steps.length < 2) throw new BankError(file, owner, 'an ordering needs two steps');
      break;
    case 'true-false':
      break;
  }
}

/**
 * Checks one bank against its module's outcomes: every item assesses exactly one outcome of the
 * module (rule 1 needs that to count), each outcome has ITEMS_PER_OUTCOME items (rule 1), at least
 * half the items are scenarios (rule 2), and no option stands out by its length (rule 3).
 */
export function checkBank(file: string, bank: Bank, outcomes: readonly Outcome[]): void {
  const known = new Set(outcomes.map((o) => o.id));
  const count = new Map(outcomes.map((o) => [o.id, 0]));
  for (const item of bank.items) {
    checkKey(file, item, item.id);
    const own = item.outcomes.filter((o) => known.has(o));
    if (item.outcomes.length !== 1 || own.length !== 1) {
      throw new BankError(
        file,
        item.id,
        `outcomes must be exactly one outcome of ${bank.module} (${[...known].join(', ')})`,
      );
    }
    const outcome = own[0] ?? '';
    count.set(outcome, (count.get(outcome) ?? 0) + 1);
  }
  // Rule 1.
  for (const [outcome, n] of count) {
    if (n < ITEMS_PER_OUTCOME) {
      throw new BankError(
        file,
        null,
        `outcome ${outcome} has ${n} item(s); every outcome needs at least ${ITEMS_PER_OUTCOME}`,
      );
    }
  }
  // Rule 2.
  const scenarios = bank.items.filter((i) => i.type === 'scenario').length;
  if (scenarios * 2 < bank.items.length) {
    throw new BankError(
      file,
      null,
      `${scenarios} of ${bank.items.length} items are scenarios; at least half must be`,
    );
  }
  // Rule 3: every option near its item's mean length, and the longest rarely the right one.
  let singles = 0;
  let longestRight = 0;
  for (const item of bank.items) {
    for (const part of choiceParts(item)) {
      const options = optionsOf(part);
      const lengths = options.map((o) => o.text.length);
      const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
      const odd = options.find((o) => Math.abs(o.text.length - mean) > LENGTH_TOLERANCE * mean);
      if (odd !== undefined) {
        throw new BankError(
          file,
          item.id,
          `option ${odd.id}${part === item ? '' : ` of ${part.id}`} is ${odd.text.length} characters against a mean of ${Math.round(mean)}; keep every option within ${LENGTH_TOLERANCE * 100}% of the mean`,
        );
      }
      if (isSingleAnswer(part)) {
        singles += 1;
        // A longest-option guesser picks among tied longest options at random: the share of
        // them that is right is what it scores on this item.
        const longest = Math.max(...lengths);
        const tied = options.filter((o) => o.text.length === longest);
        longestRight += tied.filter((o) => o.correct).length / tied.length;
      }
    }
  }
  if (singles > 0 && longestRight > LONGEST_CORRECT_SHARE * singles) {
    throw new BankError(
      file,
      null,
      `choosing the longest option scores ${Math.round(longestRight * 10) / 10} of ${singles} single-answer items; at most ${Math.round(LONGEST_CORRECT_SHARE * 100)}% may be`,
    );
  }
}

/**
 * Rule 6: a translation has the same item ids, outcomes, types and option, step, item and target
 * ids with the same key as the English bank, in the same order.
 */
export function checkSameKey(file: string, english: Bank, other: Bank): void {
  const en = new Map(english.items.map((i) => [i.id, i]));
  const ids = other.items.map((i) => i.id);
  const missing = english.items.find((i) => !ids.includes(i.id));
  if (missing !== undefined) throw new BankError(file, missing.id, 'missing from this language');
  for (const [index, item] of other.items.entries()) {
    const match = en.get(item.id);
    if (match === undefined) throw new BankError(file, item.id, 'not in the English bank');
    if (english.items[index]?.id !== item.id) {
      throw new BankError(file, item.id, 'not in the same place as in the English bank');
    }
    if (JSON.stringify(keyOf(match)) !== JSON.stringify(keyOf(item))) {
      throw new BankError(
        file,
        item.id,
        'outcomes, type, ids or correct answers differ from the English bank',
      );
    }
  }
}

/**
 * Loads and checks the banks of the modules, in every language that has the module; English is
 * required. Item ids must be unique across every bank. Throws a BankError naming the file and item.
 */
export async function loadBanks(
  root: string,
  modules: readonly string[],
): Promise<Map<string, ModuleBank>> {
  const result = new Map<string, ModuleBank>();
  const seen = new Map<string, string>();
  for (const module of modules) {
    const entry: ModuleBank = { module, titles: {}, outcomes: {}, banks: {} };
    for (const lang of languageSchema.options) {
      const file = path.join(root, 'assessments', lang, `${module}.yaml`);
      const source = await readFile(file, 'utf8').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      });
      if (source === null) {
        if (lang === 'en') throw new BankError(file, null, `no item bank for module ${module}`);
        continue;
      }
      const bank = parseBank(file, source);
      if (bank.module !== module || bank.lang !== lang) {
        throw new BankError(file, null, `says module ${bank.module}, lang ${bank.lang}`);
      }
      const { title, outcomes } = await readModuleOutcomes(root, lang, module);
      checkBank(file, bank, outcomes);
      const english = entry.banks.en;
      if (english !== undefined) checkSameKey(file, english, bank);
      else {
        for (const item of bank.items) {
          const other = seen.get(item.id);
          if (other !== undefined) {
            throw new BankError(file, item.id, `id already used in ${other}`);
          }
          seen.set(item.id, file);
        }
      }
      entry.titles[lang] = title;
      entry.outcomes[lang] = outcomes;
      entry.banks[lang] = bank;
    }
    result.set(module, entry);
  }
  return result;
}
