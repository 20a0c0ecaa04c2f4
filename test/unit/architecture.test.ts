import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { importsOf, ROOT, sourceFiles, type ImportEdge } from './imports.js';

/**
 * The layers of README "Layout": imports point down only, lib <- engine <- domain <- api. Web and
 * modeler are browser code; web and domain may import the wire contract (api/schemas) for types only;
 * migrations are frozen and import lib/ only; routes call into the domain and never touch a table.
 */
const LAYERS = ['lib', 'engine', 'domain', 'api'] as const;
/** Inside domain/: a module imports only modules before it (domain/modules.ts lists them in this order). */
export const MODULE_ORDER = ['org', 'inbox', 'notifications', 'deadlines', 'procedures', 'audit', 'onestop', 'iso', 'forecast', 'legal'] as const;
/** Files the browser code may import from the server side: leaves with no runtime dependencies. */
const BROWSER_SAFE = new Set(['lib/errors.ts', 'engine/step-meta.ts', 'engine/jobs/catalogue.ts', 'engine/default-flow.ts', 'engine/model-graph.ts']);

const top = (f: string) => f.split('/')[0];
const isLocal = (to: string) => /^(lib|engine|domain|api|web|modeler|migrations|processes|test|bench|reliability|types)\//.test(to);
const isContract = (to: string) => to.startsWith('api/schemas/');

/** Why the edge is not allowed, or null. */
export function violation(e: ImportEdge): string | null {
  if (!isLocal(e.to)) return null;
  const from = top(e.from);
  const to = top(e.to);
  if (from === 'migrations') return to === 'lib' || to === 'migrations' ? null : 'a migration imports live code (frozen data goes into the migration)';
  if (from === 'web' || from === 'modeler') {
    if (to === 'web' || to === 'modeler' || to === 'processes') return null;
    if (isContract(e.to) && e.typeOnly) return null;
    if (BROWSER_SAFE.has(e.to)) return null;
    return `browser code imports server code (${e.typeOnly ? 'types' : 'values'})`;
  }
  const li = LAYERS.indexOf(from as (typeof LAYERS)[number]);
  if (li < 0) return null; // test, bench, reliability: anything
  if (to === 'migrations') return from === 'api' ? null : `${from}/ imports migrations/`;
  if (to === 'web' || to === 'modeler') return `${from}/ imports browser code`;
  if (to === 'processes') return null;
  if (isContract(e.to) && !e.from.startsWith('api/')) return e.typeOnly ? null : `${from}/ imports the wire contract for values (types only)`;
  const ti = LAYERS.indexOf(to as (typeof LAYERS)[number]);
  if (ti > li) return `${from}/ imports ${to}/ (imports point down: ${LAYERS.join(' <- ')})`;
  if (from === 'domain' && to === 'domain') {
    const a = e.from.split('/')[1];
    const b = e.to.split('/')[1];
    const ai = MODULE_ORDER.indexOf(a as (typeof MODULE_ORDER)[number]);
    const bi = MODULE_ORDER.indexOf(b as (typeof MODULE_ORDER)[number]);
    if (a.endsWith('.ts') || b.endsWith('.ts')) return a === 'modules.ts' || b.endsWith('.ts') === false ? null : `domain/${b} is not a module`;
    if (ai < 0 || bi < 0) return `domain/${ai < 0 ? a : b} is not in the module order`;
    if (bi > ai) return `domain/${a} imports domain/${b}, which comes after it (${MODULE_ORDER.join(' <- ')})`;
  }
  return null;
}

/** Calls that read or write a table from a route file: `db('t')`, `trx('t')`, `.db.raw(`, `knex(`. */
const TABLE_ACCESS = /\b(?:db|trx|knex)\s*\(\s*['"`]|\.db\.(?:raw|transaction|select|from)\s*\(|\bdb\.raw\s*\(/;

export function routeTableAccess(file: string): number[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  return lines.flatMap((l, i) => (TABLE_ACCESS.test(l) && !l.trim().startsWith('//') && !l.trim().startsWith('*') ? [i + 1] : []));
}

const SERVER = ['lib', 'engine', 'domain', 'api', 'migrations', 'web/src', 'modeler'];

describe('architecture: imports point down the layers', () => {
  const edges = sourceFiles(SERVER).flatMap(importsOf);

  it('reads the imports of every layer', () => {
    for (const layer of LAYERS)
      expect(
        edges.some((e) => e.from.startsWith(`${layer}/`)),
        layer,
      ).toBe(true);
    expect(edges.length).toBeGreaterThan(500);
  });

  it('has no import that points up, out of a migration, or from browser code into the server', () => {
    const bad = edges.flatMap((e) => {
      const why = violation(e);
      return why ? [`${e.from}:${e.line} -> ${e.to}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('catches each kind of upward import (the rule itself can fail)', () => {
    const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly, line: 1 });
    expect(violation(edge('engine/runtime.ts', 'domain/inbox/index.ts'))).toMatch(/engine\/ imports domain\//);
    expect(violation(edge('engine/deploy.ts', 'api/app.ts'))).toMatch(/engine\/ imports api\//);
    expect(violation(edge('lib/db.ts', 'engine/client.ts'))).toMatch(/lib\/ imports engine\//);
    expect(violation(edge('domain/onestop/reception.ts', 'api/plugins/errors.ts'))).toMatch(/domain\/ imports api\//);
    expect(violation(edge('domain/onestop/views.ts', 'api/schemas/onestop.ts'))).toMatch(/types only/);
    expect(violation(edge('domain/onestop/views.ts', 'api/schemas/onestop.ts', true))).toBeNull();
    expect(violation(edge('domain/inbox/store.ts', 'domain/onestop/dossiers.ts'))).toMatch(/comes after it/);
    expect(violation(edge('domain/iso/sweep.ts', 'domain/onestop/dossiers.ts'))).toBeNull();
    expect(violation(edge('migrations/20261123000400_calendar.ts', 'domain/deadlines/calendar/official-schedules.ts'))).toMatch(/migration imports live code/);
    expect(violation(edge('web/src/features/inbox/InboxPage.tsx', 'domain/inbox/store.ts', true))).toMatch(/browser code/);
    expect(violation(edge('web/src/api/endpoints.ts', 'api/schemas/tasks.ts', true))).toBeNull();
    expect(violation(edge('api/routes/tasks/index.ts', 'domain/inbox/store.ts'))).toBeNull();
  });

  it('lists every domain module in domain/modules.ts in the same order', () => {
    const dirs = readdirSync(path.join(ROOT, 'domain'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual([...MODULE_ORDER].sort());
    const listed = /DOMAIN_MODULES[^=]*=\s*\[([^\]]*)\]/
      .exec(readFileSync(path.join(ROOT, 'domain/modules.ts'), 'utf8'))![1]
      .split(',')
      .map((s) => s.trim());
    expect(listed).toEqual([...MODULE_ORDER]);
  });

  it('keeps SQL out of route files: routes call into the domain', () => {
    const routes = sourceFiles(['api/routes']);
    expect(routes.length).toBeGreaterThan(10);
    const offenders = routes.flatMap((f) => routeTableAccess(f).map((l) => `${f}:${l}`));
    expect(offenders).toEqual([]);
  });
});
