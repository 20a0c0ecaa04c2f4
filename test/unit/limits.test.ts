import { describe, expect, it } from 'vitest';
import { MAX_FORM_FIELD_BYTES, MAX_JSON_STRING, isEmail } from '../../lib/limits.js';
import { neutraliseFormula } from '../../lib/spreadsheet-safe.js';

/** lib/limits.ts (input sizes, e-mail addresses) and lib/spreadsheet-safe.ts (CSV injection guard). */

describe('size limits', () => {
  it('a JSON string may hold 100,000 characters; a form field 8 KiB, room for 2,000 Vietnamese characters', () => {
    expect(MAX_JSON_STRING).toBe(100_000);
    expect(MAX_FORM_FIELD_BYTES).toBe(8192);
    // "ệ" (U+1EC7) takes 3 bytes in UTF-8: 2,000 of them take 6,000 bytes.
    expect(Buffer.byteLength('ệ'.repeat(2000), 'utf8')).toBe(6000);
    expect(Buffer.byteLength('ệ'.repeat(2000), 'utf8')).toBeLessThanOrEqual(MAX_FORM_FIELD_BYTES);
  });
});

describe('isEmail', () => {
  it('accepts ordinary addresses', () => {
    for (const ok of ['nguyen.van.a@example.gov.vn', 'canbo1@snnmt.hanoi.gov.vn', 'a@b.c', 'first+tag@mail.example.com', 'nguyễn@ví-dụ.vn'])
      expect(isEmail(ok), ok).toBe(true);
  });

  it('refuses what is not one address: no "@", two, nothing on a side, blanks, no dot inside the domain', () => {
    for (const bad of [
      '',
      'nguyenvana',
      '@example.vn',
      'nguyenvana@',
      'a@@example.vn',
      'a@.example.vn',
      'a@example..vn',
      'a@example.vn.',
      'a@b@example.vn',
      'nguyen van a@example.vn',
      'a@example.vn ',
      ' a@example.vn',
      'a@example.vn\n',
      'a\t@example.vn',
      'a@localhost',
      'a@.vn',
      'a@example.',
      'a@.',
    ])
      expect(isEmail(bad), JSON.stringify(bad)).toBe(false);
  });

  it('refuses more than 254 characters, accepts 254', () => {
    // local part 64 + "@" + domain: 254 − 65 = 189 characters "x…x.vn".
    const at254 = `${'a'.repeat(64)}@${'x'.repeat(186)}.vn`;
    expect(at254).toHaveLength(254);
    expect(isEmail(at254)).toBe(true);
    const at255 = `${'a'.repeat(64)}@${'x'.repeat(187)}.vn`;
    expect(at255).toHaveLength(255);
    expect(isEmail(at255)).toBe(false);
  });

  // 500 ms: generous for a CI machine whose two cores also run tsc, eslint and the integration lanes; a
  // super-linear pattern takes seconds to minutes on these inputs.
  it('answers a 100,000-character hostile input in well under 500 ms', () => {
    const hostile = [
      'a'.repeat(100_000),
      '@'.repeat(100_000),
      'a@'.repeat(50_000),
      `${'a'.repeat(99_999)}@`,
      `x@${'a.'.repeat(49_999)}`,
      `${'a'.repeat(50_000)}@${'b'.repeat(49_999)}`,
      ' '.repeat(100_000),
    ];
    for (const h of hostile) expect(h.length).toBeGreaterThanOrEqual(99_999);
    const t0 = performance.now();
    for (const h of hostile) expect(isEmail(h)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
    // Just under the length cap the pattern itself runs, and is as quick.
    const t1 = performance.now();
    for (let i = 0; i < 1000; i++) {
      expect(isEmail(`${'a'.repeat(250)}@`)).toBe(false);
      expect(isEmail('a@'.repeat(127))).toBe(false);
    }
    expect(performance.now() - t1).toBeLessThan(500);
  });
});

describe('neutraliseFormula (CSV injection)', () => {
  it('puts an apostrophe before text a spreadsheet would run as a formula', () => {
    for (const bad of ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '=HYPERLINK("http://x.example","bấm")', '+84 912 345 678', '-', '-1e5', '-12\n=1+1']) {
      expect(neutraliseFormula(bad), JSON.stringify(bad)).toBe(`'${bad}`);
    }
  });

  it('also after leading blanks (space, no-break space, ideographic space, newline) and for full-width signs', () => {
    for (const bad of ['  =1+1', '\u00a0=1+1', '\u3000@x', '\n=1', '\uff1d1+1', '\uff0b1', '\uff0d1', '\uff20x']) {
      expect(neutraliseFormula(bad), JSON.stringify(bad)).toBe(`'${bad}`);
    }
  });

  it('neutralises text starting with a tab or carriage return, whatever follows', () => {
    for (const bad of ['\tabc', '\rabc', '\t', '\r\n']) expect(neutraliseFormula(bad), JSON.stringify(bad)).toBe(`'${bad}`);
  });

  it('leaves plain numbers (negative ones and decimal commas included) and ordinary text alone', () => {
    for (const ok of ['-12', '-3.5', '-3,5', '42', '0', '1+1', 'a=b', 'Nguyễn Văn A', '2026-03-01', 'email@example.vn', '', ' ', 'Hồ sơ -1', '(=1)']) {
      expect(neutraliseFormula(ok), JSON.stringify(ok)).toBe(ok);
    }
  });
});
