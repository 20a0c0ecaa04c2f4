import { describe, expect, it } from 'vitest';
import { parseReceipt } from '../../domain/deadlines/simulate.js';

describe('the receipt of a calendar what-if', () => {
  it('is read as Vietnamese local time', () => {
    // 30/04/2026 10:00 in Hà Nội is 03:00 UTC.
    expect(parseReceipt('2026-04-30T10:00')?.toISOString()).toBe('2026-04-30T03:00:00.000Z');
    // Just after midnight local is the evening before in UTC.
    expect(parseReceipt('2026-01-01T00:05')?.toISOString()).toBe('2025-12-31T17:05:00.000Z');
    expect(parseReceipt('2028-02-29T23:59')?.toISOString()).toBe('2028-02-29T16:59:00.000Z');
  });

  it('refuses what is no real day or hour', () => {
    for (const bad of [
      '2026-02-29T10:00',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-04-30T24:00',
      '2026-04-30T10:60',
      '30/04/2026 10:00',
      '2026-04-30',
      '1999-12-31T10:00',
      '2101-01-01T10:00',
      '',
    ])
      expect(parseReceipt(bad), bad).toBeNull();
  });
});
