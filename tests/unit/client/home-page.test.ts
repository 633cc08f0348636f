import { describe, expect, it } from 'vitest';
import { expiresSoon, furthest, localState } from '../../../src/client/home-page.ts';

describe('the learner home', () => {
  it("reads a module's state from the tracker's copy on this device", () => {
    const copy = (progress: unknown) => JSON.stringify({ progress, dirty: false });
    expect(localState(null)).toBe('not-started');
    expect(localState('not json')).toBe('not-started');
    expect(localState(copy({ read: [] }))).toBe('not-started');
    expect(localState(copy({ read: [1] }))).toBe('in-progress');
    expect(localState(copy({ read: [], quiz: { key: 'k', value: { used: 1 } } }))).toBe(
      'in-progress',
    );
    expect(localState(copy({ read: [1], passed: true }))).toBe('passed');
  });

  it("takes the further of this device's state and the service's", () => {
    expect(furthest('not-started', 'passed')).toBe('passed');
    expect(furthest('passed', 'in-progress')).toBe('passed');
    expect(furthest('in-progress', 'not-started')).toBe('in-progress');
  });

  it('warns from two calendar months before the expiry', () => {
    const now = new Date(2026, 11, 3, 12, 0);
    expect(expiresSoon(new Date(2027, 1, 3, 12, 0).toISOString(), now)).toBe(true);
    expect(expiresSoon(new Date(2027, 1, 3, 12, 1).toISOString(), now)).toBe(false);
    expect(expiresSoon(new Date(2028, 11, 3).toISOString(), now)).toBe(false);
    // Past its expiry is within the warning too.
    expect(expiresSoon(new Date(2026, 0, 1).toISOString(), now)).toBe(true);
    // 31 December + 2 months is the end of February.
    const endOfYear = new Date(2026, 11, 31, 9, 0);
    expect(expiresSoon(new Date(2027, 1, 28, 9, 0).toISOString(), endOfYear)).toBe(true);
    expect(expiresSoon(new Date(2027, 2, 1, 9, 0).toISOString(), endOfYear)).toBe(false);
  });
});
