import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../lib/errors.js';
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

/** Codes answered with the server's message only (none left: every BPMN problem has its code and params). */
const MESSAGE_ONLY = new Set<string>([]);

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

  it('no server source builds a bilingual error message without a registered code', () => {
    expect(bilingualWithoutCode(server)).toEqual([]);
  });

  it('the check above catches a bilingual refusal without a code (a planted one in each form)', () => {
    const planted = [
      "throw app.httpErrors.badRequest('Dữ liệu sai / Bad data');",
      'const NOPE = `Không có ${x} / No ${x}`;\nthrow app.httpErrors.notFound(NOPE);',
      "throw new ApologyError(409, 'Đã có / Already there');",
      "return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: 'Dữ liệu sai / Wrong' });",
      "throw Object.assign(new Error('Cần độ dài / Length required'), { statusCode: 411 });",
      "throw fail(400, 'NOT_A_CODE_AT_ALL', {}, 'Dữ liệu sai / Wrong');",
    ];
    for (const text of planted) expect(bilingualWithoutCode([{ file: 'api/routes/planted.ts', text }]), text).toHaveLength(1);
    const fine = [
      "throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do / A reason is required');",
      "throw new ReceptionError(409, 'Hồ sơ đã kết thúc / The dossier is closed', 'DOSSIER_CLOSED');",
      "throw new CalendarError('UNKNOWN_UNIT', `Không có đơn vị ${u} / Unknown unit ${u}`);",
      "throw new Error('internal invariant, answered 500 INTERNAL_ERROR without its message');",
    ];
    for (const text of fine) expect(bilingualWithoutCode([{ file: 'api/routes/planted.ts', text }]), text).toEqual([]);
  });
});

/** A Vietnamese letter, then (in the same literal) " / " and an English word: a message said in both languages. */
const BILINGUAL = /[ăâđêôơưạảãàáậầấẩẫắằặẳẵẹẻẽèéệềếểễịỉĩìíọỏõòóộồốổỗợờớởỡụủũùúựừứửữỵỷỹỳý][^'"`\n]* \/ [A-Z]/i;

/**
 * Errors whose class carries its own reason code, turned into a registered code where it is answered:
 * CalendarError and CaseClockError (api/routes/calendar and cases map each reason with `satisfies
 * Record<…['code'], ErrorCode>`), TaskInputError (TASK_INPUT_INVALID), InvalidJob (a job's incident in
 * the engine, never an HTTP answer). A plain Error or RangeError is answered 500 INTERNAL_ERROR without
 * its message, unless a status is put on it (Object.assign(new Error(…), { statusCode })).
 */
const OWN_CODE = new Set(['CalendarError', 'CaseClockError', 'TaskInputError', 'InvalidJob', 'Error', 'RangeError']);

/** The text of a call from its opening parenthesis to the matching one (at most 3000 characters). */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < Math.min(text.length, open + 3000); i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open, open + 3000);
}

/**
 * Every place a server source builds an error answer (fail(…), new …Error(…), app.httpErrors.…(…),
 * createError(…), reply.send({ …message… })) whose message is said in both languages (a literal, or a
 * constant of the same file holding one) and that names no registered code: "file: the call's start".
 */
function bilingualWithoutCode(files: { file: string; text: string }[]): string[] {
  const found: string[] = [];
  // lib/errors fail(status, code, …) (a job's fail({ … }) is another); a form field's problem
  // (task-input's fail(code, …), add(…, code, …), problems.push({ code, … })).
  const site =
    /\bfail\(\s*(?:\d{3}|[\w.]*status\w*)\s*,|\bfail\(\s*['`]|\b(?:this|checker)\.add\(|\bproblems\.push\(|\bnew ([A-Z]\w*Error|Error|InvalidJob)\(|\bhttpErrors\.\w+\(|\bcreateError\(|\.send\(\{/gi;
  for (const { file, text } of files) {
    const constants = new Set([...text.matchAll(/\bconst (\w+)\s*=\s*(['"`])([^\n]*)/g)].filter((m) => BILINGUAL.test(m[3])).map((m) => m[1]));
    for (const m of text.matchAll(site)) {
      const open = text.indexOf('(', m.index);
      const call = callText(text, open);
      const names = [...call.matchAll(/\b([A-Za-z_]\w*)\b/g)].map((x) => x[1]);
      const bilingual = BILINGUAL.test(call) || names.some((n) => constants.has(n));
      if (!bilingual) continue;
      if (m[0].startsWith('.send(') && !/\bmessage\b/.test(call)) continue;
      const coded = [...call.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].some((x) => isErrorCode(x[1]));
      // new DomainError(code, …) with a code in a variable: the type (ErrorCode) holds it to the registry.
      if (coded || (m[1] === 'DomainError' && /^\(\s*[a-z][\w.]*,/.test(call))) continue;
      const cls = m[1];
      const after = text.slice(open + call.length, open + call.length + 80);
      if (cls && OWN_CODE.has(cls) && !((cls === 'Error' || cls === 'RangeError') && /statusCode/.test(after))) continue;
      found.push(`${file}: ${text.slice(m.index, m.index + 100).split('\n')[0]}`);
    }
  }
  return found;
}
