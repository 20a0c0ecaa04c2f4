import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login } from './helpers/fixtures.js';
import { parseRoutes } from './helpers/routes.js';

/**
 * The authorisation matrix: every route of the API × no token and each role, each role's user in
 * its own unit. Asserted: without a token every non-public route answers 401; an auditor can write
 * nothing but its own saved queries; no route fails with a 5xx on an empty request; and the whole
 * matrix (allowed / 403 per role) equals the reviewed snapshot, so any change of who may call what
 * shows up as a diff to review. Own-unit versus other-unit access to the objects themselves (tasks,
 * cases, dossiers, audit scopes, ISO registers) is the matrix of authz-unit-matrix.test.ts.
 */
const ROLES = ['admin', 'designer', 'officer', 'leader', 'auditor'] as const;

/** Routes anyone may call without signing in. */
const PUBLIC = [/^\/health/, /^\/api\/demo\/status$/, /^\/api\/auth\/login$/, /^\/api\/public\//, /^\/api\/events(\/|$)/, /^\/docs/];
/** Writes an auditor may make: its own saved queries and export requests are reads in effect; signing out and changing its own password. */
const AUDITOR_WRITES = [
  /^POST \/api\/auth\/(logout|password)$/,
  /^POST \/api\/audit\/saved-queries$/,
  /^DELETE \/api\/audit\/saved-queries\/:id$/,
  /^POST \/api\/events\/ticket$/,
  /^POST \/api\/notifications\//,
];

// Ids that exist in no test's data, so the answer does not depend on which files ran before.
const NONE = '987654321';
const DUMMY: Record<string, string> = { year: '2026', version: '1' };
const fill = (url: string) =>
  url.replace(/:(\w+)/g, (_, name: string) => DUMMY[name] ?? (/code|unit/i.test(name) ? 'KHONG-CO' : /name/i.test(name) ? 'khong-co' : NONE));

describe('authorisation matrix', () => {
  let p: TestPlatform;
  const tokens: Record<string, string> = {};
  const users: Record<string, Awaited<ReturnType<typeof createUser>>> = {};
  let routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    const unit = await createUnit(p.db);
    for (const role of ROLES) {
      users[role] = await createUser(p.db, { roles: [role], unitCode: unit });
      tokens[role] = (await login(p.app, users[role])).token;
    }
    routes = parseRoutes(p.app.printRoutes({ commonPrefix: false })).filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/health'));
  });
  afterAll(async () => p?.close());

  const call = async (method: string, url: string, token?: string) => {
    const res = await p.app.inject({
      method: method as 'GET',
      url: fill(url),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
      },
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
    });
    return res.statusCode;
  };

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it('every non-public route refuses a request without a token with 401', async () => {
    const open: string[] = [];
    for (const r of routes) {
      if (PUBLIC.some((re) => re.test(r.url))) continue;
      if ((await call(r.method, r.url)) !== 401) open.push(`${r.method} ${r.url}`);
    }
    expect(open).toEqual([]);
  });

  it('matches the reviewed matrix; auditors write nothing else; no 5xx', async () => {
    const matrix: Record<string, string> = {};
    const failures: string[] = [];
    const auditorWrites: string[] = [];
    for (const r of routes) {
      if (PUBLIC.some((re) => re.test(r.url))) continue;
      const id = `${r.method} ${r.url}`;
      const cells: string[] = [];
      for (const role of ROLES) {
        const status = await call(r.method, r.url, tokens[role]);
        // Signing out ends the token: sign in again for the next routes.
        if (id === 'POST /api/auth/logout' && status === 204) tokens[role] = (await login(p.app, users[role])).token;
        if (status >= 500 && status !== 503) failures.push(`${id} as ${role}: ${status}`);
        const allowed = status !== 403 && status !== 401;
        cells.push(`${role}:${allowed ? 'yes' : 'no'}`);
        if (role === 'auditor' && allowed && r.method !== 'GET' && !AUDITOR_WRITES.some((re) => re.test(id))) auditorWrites.push(id);
      }
      matrix[id] = cells.join(' ');
    }
    expect(failures).toEqual([]);
    expect(auditorWrites).toEqual([]);
    expect(matrix).toMatchSnapshot();
  });
});
