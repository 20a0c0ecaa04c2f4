import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, type ErrorCode } from '../../lib/errors.js';
import { vi, en } from '../../web/src/i18n/errors.js';
import { ROOT, sourceFiles } from './imports.js';

/**
 * Every code the server answers (lib/errors.ts ERROR_CODES) has a Vietnamese and an English text in
 * web/src/i18n/errors.ts that use exactly the code's params as placeholders; no text is for a code
 * the registry lacks; every registered code is used by some server source; and every code literal an
 * error answer is built with is registered (except the few listed below, whose message carries
 * details no text holds yet: the web shows the server's message for them).
 */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]))].sort();
const codes = Object.keys(ERROR_CODES) as ErrorCode[];

/** Codes answered with the server's message only (BPMN problems name elements; the reason comes from the linter). */
const MESSAGE_ONLY = new Set(['BPMN_INVALID', 'BPMN_TOO_LARGE', 'BPMN_DTD', 'BPMN_MALFORMED']);

const server = sourceFiles(['api', 'domain', 'engine', 'lib'])
  .filter((f) => f !== 'lib/errors.ts')
  .map((f) => ({ file: f, text: readFileSync(path.join(ROOT, f), 'utf8') }));

describe('error codes: one text per language for each code the server answers', () => {
  it('the codes are UPPER_SNAKE (or a framework code kept as it is) and name their params', () => {
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      for (const p of ERROR_CODES[code]) expect(p).toMatch(/^[a-z][A-Za-z0-9]*$/);
    }
  });

  it.each(codes)('%s has a Vietnamese and an English text with the same placeholders as its params', (code) => {
    const params = [...ERROR_CODES[code]].sort();
    for (const texts of [vi.codes, en.codes]) {
      const text = texts[code];
      expect(text, code).toBeTruthy();
      expect(text.includes(' / '), `${code}: one language per text`).toBe(false);
      expect(placeholders(text), code).toEqual(params);
    }
  });

  it('no text is for an unregistered code', () => {
    expect(Object.keys(vi.codes).sort()).toEqual([...codes].sort());
    expect(Object.keys(en.codes).sort()).toEqual([...codes].sort());
  });

  it('the schema rules have both languages with the same placeholders', () => {
    expect(Object.keys(en.rules).sort()).toEqual(Object.keys(vi.rules).sort());
    for (const rule of Object.keys(vi.rules) as (keyof typeof vi.rules)[]) {
      expect(placeholders(en.rules[rule]), rule).toEqual(placeholders(vi.rules[rule]));
      expect(
        placeholders(vi.rules[rule]).every((p) => p === 'limit'),
        rule,
      ).toBe(true);
    }
  });

  it('every registered code is used by the server (no dead code, no dead text)', () => {
    const unused = codes.filter((code) => !server.some(({ text }) => text.includes(`'${code}'`)));
    expect(unused).toEqual([]);
  });

  it('every code an error is built with is registered', () => {
    const literals = new Map<string, string>();
    const patterns = [
      /\bfail\(\s*\d{3},\s*'([A-Z0-9_]+)'/g,
      /new DomainError\(\s*'([A-Z0-9_]+)'/g,
      /new ReceptionError\([^;]*?'([A-Z][A-Z0-9_]+)'\s*[,)]/g,
      /\bcode: '([A-Z][A-Z0-9_]+)'/g,
    ];
    for (const { file, text } of server)
      for (const re of patterns) {
        // `code: '…'` in an answer is the routes' and plugins' (elsewhere it is a unit's or a dossier's code).
        if (re.source.startsWith('\\bcode') && !/^api\/(routes|plugins)\//.test(file)) continue;
        for (const m of text.matchAll(re)) literals.set(m[1], file);
      }
    const unknown = [...literals].filter(([code]) => !(code in ERROR_CODES) && !MESSAGE_ONLY.has(code));
    expect(unknown).toEqual([]);
  });
});
