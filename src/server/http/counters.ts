/**
 * Counters that several service processes share (the `rate_limits` table of the LRS store, made by
 * `lrs/store/counters.ts`): what the rate limits and the learner quota need, without SQL here.
 */
export interface Counters {
  /**
   * Adds `amount` to the key's count if that keeps it at most `max` (a window that has ended
   * starts again at `amount`); whether it was added. Concurrent calls cannot both take the last
   * of an allowance.
   */
  spend(key: string, amount: number, windowMs: number, max: number): Promise<boolean>;
  /** The key's count and the whole seconds left in its window, or null without a row. */
  usage(key: string): Promise<{ used: number; seconds: number } | null>;
  /** Takes `amount` back from the key's count (never below 0). */
  refund(key: string, amount: number): Promise<void>;
  /** Adds 1 (or starts again at 1 once the window ended); the count and milliseconds left. */
  increment(key: string, windowMs: number): Promise<{ current: number; ttl: number }>;
  /** The count and milliseconds left of a key whose window has not ended, or zeros. */
  read(key: string): Promise<{ current: number; ttl: number }>;
  /** Deletes the rows whose window has ended. */
  sweep(): Promise<void>;
}
