import { describe, expect, it } from 'vitest';
import { dayOrder, dayPattern, parseDay } from '../../web/src/lib/format.js';

describe('typed days (web/src/lib/format.ts)', () => {
  it('Vietnamese is day first whatever the browser; English follows the browser locale', () => {
    expect(dayOrder('vi', 'en-US')).toBe('dmy');
    expect(dayOrder('en', 'en-US')).toBe('mdy');
    expect(dayOrder('en', 'en-GB')).toBe('dmy');
    expect(dayOrder('en', 'vi-VN')).toBe('dmy');
    expect(dayPattern('dmy')).toBe('dd/mm/yyyy');
    expect(dayPattern('mdy')).toBe('mm/dd/yyyy');
  });

  it('reads real days in the order, with one- or two-digit day and month and the usual separators', () => {
    expect(parseDay('17/02/2026', 'dmy')).toBe('2026-02-17');
    expect(parseDay(' 7/2/2026 ', 'dmy')).toBe('2026-02-07');
    expect(parseDay('17.02.2026', 'dmy')).toBe('2026-02-17');
    expect(parseDay('17-02-2026', 'dmy')).toBe('2026-02-17');
    expect(parseDay('02/17/2026', 'mdy')).toBe('2026-02-17');
    expect(parseDay('29/02/2028', 'dmy')).toBe('2028-02-29');
  });

  it('refuses what is no day: impossible dates, two-digit years, extra parts, letters, huge input', () => {
    for (const bad of [
      '31/02/2026',
      '29/02/2026',
      '00/01/2026',
      '01/13/2026',
      '17/02/26',
      '17/02/2026/1',
      '17/2',
      'a7/02/2026',
      '17/02/２０２６',
      '',
      '2026-02-17',
    ])
      expect(parseDay(bad, 'dmy'), bad).toBeNull();
    expect(parseDay('02/17/2026', 'dmy')).toBeNull();
    const started = Date.now();
    expect(parseDay('1/'.repeat(100_000), 'dmy')).toBeNull();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
