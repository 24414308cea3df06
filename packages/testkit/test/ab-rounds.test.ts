import { describe, expect, it } from 'vitest';
import { abRounds, abRow, medianOf } from '../src/index.js';

describe('abRounds: the benches’ same-process A/B loop', () => {
  it('runs both sides once per round, the one going first alternating, and keeps only the rounds after the warm-up', () => {
    const calls: string[] = [];
    const r = abRounds(3, 2, 10, () => { calls.push('a'); }, () => { calls.push('b'); });
    expect(calls.join('')).toBe('ab' + 'ba' + 'ab' + 'ba' + 'ab');
    expect(r.ratios).toHaveLength(3);
    expect(r.aNs).toHaveLength(3);
    expect(r.bNs).toHaveLength(3);
  });

  it('medianOf is the middle value, or the mean of the two middle ones', () => {
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBeNaN();
  });

  it('abRow prints the medians and the range of the ratios as a Markdown row', () => {
    expect(abRow('x', { ratios: [1, 2, 4], aNs: [10, 30, 20], bNs: [5, 7, 6] }, 0)).toBe('| x | 20 | 6 | **2.00×** | 1.00–4.00× |');
  });
});
