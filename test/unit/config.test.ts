import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readConfig } from '../../lib/config.js';
import { ROOT, sourceFiles } from './imports.js';

/** The keys readConfig reads, recorded through an environment that answers nothing. */
function keysRead(): string[] {
  const seen = new Set<string>();
  readConfig(new Proxy({}, { get: (_t, k) => (typeof k === 'string' && seen.add(k), undefined) }));
  return [...seen].sort();
}

describe('configuration: one reader of the environment, every key documented', () => {
  it('lib/config.ts is the only server file that reads process.env', () => {
    const readers = sourceFiles(['lib', 'engine', 'domain', 'api', 'migrations']).filter(
      (f) => f !== 'lib/config.ts' && /\bprocess\.env\b/.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    expect(readers).toEqual([]);
  });

  it('every key readConfig reads is in .env.example, and .env.example names no key it does not read', () => {
    const keys = keysRead();
    expect(keys).toContain('DATABASE_URL');
    expect(keys).toContain('ATTACHMENT_MAX_BYTES');
    const documented = [...readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(keys.filter((k) => !documented.includes(k))).toEqual([]);
    expect(documented.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('reads the values it is given and refuses a malformed number with the key named', () => {
    const c = readConfig({
      PUBLIC_URL: 'https://dichvucong.example.gov.vn///',
      ONESTOP_SUBMISSIONS_PER_DAY: '0',
      ATTACHMENT_MAX_BYTES: '2048',
      OUTBOX_GRACE_MS: '3000',
    });
    expect(c.publicUrl).toBe('https://dichvucong.example.gov.vn');
    expect(c.onestopSubmissionsPerDay).toBe(0);
    expect(c.attachmentMaxBytes).toBe(2048);
    expect(c.outboxGraceMs).toBe(3000);
    expect(readConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(() => readConfig({ ONESTOP_SUBMISSIONS_PER_DAY: 'many' })).toThrow(/ONESTOP_SUBMISSIONS_PER_DAY/);
    expect(() => readConfig({ ONESTOP_REFUSED_FILES_DAYS: '-1' })).toThrow(/ONESTOP_REFUSED_FILES_DAYS/);
  });
});

describe('migration 20261123000400_calendar: frozen data', () => {
  it('seeds exactly the official 2025 and 2026 schedules the calendar module ships today', async () => {
    const { OFFICIAL_DAYS_2025_2026 } = await import('../../migrations/20261123000400_calendar.js');
    const { OFFICIAL_SCHEDULES } = await import('../../domain/deadlines/calendar/official-schedules.js');
    const live = OFFICIAL_SCHEDULES.map((d) => ({ day: d.date, kind: d.kind, name: d.name, occasion: d.occasion ?? null, source: d.source ?? null }));
    expect(OFFICIAL_DAYS_2025_2026).toEqual(live);
    expect(live.length).toBeGreaterThan(20);
  });
});
