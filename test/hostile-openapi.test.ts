import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login } from './helpers/fixtures.js';

/**
 * The hostile-input suite: every operation of the OpenAPI document (GET /docs/json) that takes input
 * (a JSON body, query parameters or path parameters) receives over-long, malformed, wrong-type,
 * Unicode-confusable and injection inputs, as the first role allowed to call it (or without a token
 * for public routes). Every answer must be a 4xx whose message is Vietnamese and says what is wrong
 * (a schema refusal names the field), never a 5xx, and the database must be unchanged afterwards
 * (a checksum of this file's rows in every table but the engine's history, taken around each operation's attacks). Multipart bodies (online submission, attachments) are
 * attacked by test/hostile-public.test.ts.
 */
type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  query: Schema[];
  params: Schema[];
  stream: boolean;
}

const ROLES = ['admin', 'designer', 'officer', 'leader', 'auditor'] as const;
const VIETNAMESE = /[ăâđêôơưạảãàáẹẻẽèéịỉĩìíọỏõòóụủũùúỵỷỹỳýấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữự]/i;
const NONE = '987654321';
const DUMMY: Record<string, string> = { year: '2026', version: '1' };
/** Tables the engine, the log or the rate limiter change on their own; everything else must not move. */
const VOLATILE = /^(zeebe_record|hist_|case_index|case_search|knex_)/;

/** Latin letters swapped for look-alike Cyrillic ones: "HA-NOI" → "НА-NОI". */
const confusable = (s: string) =>
  s.replace(
    /[aceopxyAEHKMOPT]/g,
    (ch) => ({ a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', A: 'А', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т' })[ch]!,
  );
const INJECTIONS = ["1' OR '1'='1' --", '<script>alert(1)</script>', '../../../../etc/passwd', '${7*7}{{7*7}}', '\u202Egnp.exe', 'a\u200Bb'];

/** The types a schema admits ("string", "integer", …), looking through TypeBox's unions and Nullable. */
function typesOf(s: Schema | undefined): string[] {
  if (!s) return [];
  if (s.anyOf || s.oneOf) return [...new Set<string>((s.anyOf ?? s.oneOf).flatMap((x: Schema) => typesOf(x)))];
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.enum) return [typeof s.enum[0]];
  if (s.const !== undefined) return [typeof s.const];
  return [];
}
const firstOf = (s: Schema): Schema => (s.anyOf ?? s.oneOf)?.find((x: Schema) => x.type !== 'null') ?? s;

/** A plausible value for a schema (not always valid: patterns are not generated). */
function sample(s: Schema, depth = 0): unknown {
  s = firstOf(s);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const t = typesOf(s)[0];
  if (t === 'string') {
    if (s.format === 'date') return '2026-01-05';
    if (s.format === 'date-time') return '2026-01-05T08:00:00.000Z';
    if (s.format === 'email') return 'nguoi.thu@example.vn';
    if (s.pattern && /\[0-9\]/.test(s.pattern)) return '1';
    return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
  if (t === 'integer' || t === 'number') return s.minimum ?? 1;
  if (t === 'boolean') return true;
  if (t === 'array') return depth > 3 ? [] : Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}, depth + 1));
  if (t === 'object' || s.properties) {
    if (depth > 3) return {};
    return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(s.properties?.[k] ?? {}, depth + 1)]));
  }
  return 'x';
}

/** Hostile values for one field of a schema; each must be refused. */
function attacksFor(s: Schema): { what: string; value: unknown }[] {
  const types = typesOf(s);
  const inner = firstOf(s);
  const out: { what: string; value: unknown }[] = [];
  if (types.includes('string')) {
    out.push({ what: 'over-long', value: 'x'.repeat(Math.min((inner.maxLength ?? 200_000) + 1, 200_001)) });
    out.push({ what: 'object for a string', value: { $gt: '' } });
    const constrained = inner.enum || inner.pattern || inner.format || inner.const !== undefined;
    if (constrained) {
      const base = String(sample(inner));
      if (confusable(base) !== base) out.push({ what: 'Unicode confusable', value: confusable(base) });
      for (const inj of INJECTIONS) out.push({ what: `injection ${JSON.stringify(inj.slice(0, 12))}`, value: inj });
    }
  } else if (types.includes('integer') || types.includes('number')) {
    out.push({ what: 'text for a number', value: 'mười' });
    out.push({ what: 'injection for a number', value: '1; DROP TABLE users' });
    if (inner.maximum !== undefined) out.push({ what: 'number above the maximum', value: inner.maximum + 1 });
  } else if (types.includes('boolean')) {
    out.push({ what: 'text for a boolean', value: 'có lẽ' });
  } else if (types.includes('array')) {
    out.push({ what: 'text for a list', value: 'không phải danh sách' });
    if (inner.maxItems !== undefined) out.push({ what: 'too many items', value: Array.from({ length: inner.maxItems + 1 }, () => sample(inner.items ?? {})) });
  }
  return out;
}

describe('hostile-input suite over the OpenAPI document', () => {
  let p: TestPlatform;
  const tokens: Record<string, string> = {};
  const ops: Operation[] = [];
  const stats = { operations: 0, attacks: 0, refused: 0, namedField: 0, skipped: [] as string[] };
  const saved: Record<string, string | undefined> = {};
  /** this file's users (usernames and ids) and unit: what its checksum is about */
  const own = { names: [] as string[], ids: [] as number[] };

  beforeAll(async () => {
    // Public routes are rate-limited per address; this suite sends thousands of requests from one.
    for (const k of ['ONESTOP_PUBLIC_LOOKUPS_PER_MIN']) saved[k] = process.env[k];
    process.env.ONESTOP_PUBLIC_LOOKUPS_PER_MIN = '1000000';
    p = await startTestPlatform({ runtime: false });
    const unit = await createUnit(p.db);
    own.names.push(unit);
    for (const role of ROLES) {
      const user = await createUser(p.db, { roles: [role], unitCode: unit });
      own.names.push(user.username);
      own.ids.push(user.id);
      tokens[role] = (await login(p.app, user)).token;
    }
    const spec = (await p.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const parameters: Schema[] = op.parameters ?? [];
        const body = op.requestBody?.content?.['application/json']?.schema;
        const o: Operation = {
          method: method.toUpperCase(),
          path,
          body,
          query: parameters.filter((x) => x.in === 'query'),
          params: parameters.filter((x) => x.in === 'path'),
          stream: /event-stream/.test(String(op.summary ?? '')),
        };
        if (op.requestBody && !body) stats.skipped.push(`${o.method} ${path} (${Object.keys(op.requestBody.content ?? {}).join(', ')})`);
        if (body || o.query.length || o.params.length) ops.push(o);
      }
    }
  });
  afterAll(async () => {
    console.log(
      `[hostile-openapi] operations: ${stats.operations}, hostile inputs: ${stats.attacks}, refused with a Vietnamese 4xx: ${stats.refused}, naming the field: ${stats.namedField}; bodies left to test/hostile-public.test.ts: ${stats.skipped.join('; ')}`,
    );
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    await p?.close();
  });

  const fillPath = (path: string, override: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(override[name] ?? DUMMY[name] ?? (/code|unit/i.test(name) ? 'KHONG-CO' : /name/i.test(name) ? 'khong-co' : NONE)),
    );

  const send = (method: string, url: string, token: string | undefined, payload?: string) =>
    p.app.inject({
      method: method as 'POST',
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });

  /**
   * A checksum of this file's rows in every business table (row count and content), to show a refusal
   * changed nothing: the rows that name one of its users or its unit in any column (audit entries by its
   * callers, their sessions, what they created), or hold one of its users' ids in a `…_by` / `user_id`
   * column. Scoped to them: other files write into the same tables meanwhile. An attack that got through
   * leaves such a row (its caller is audited, or is the row's author).
   */
  const checksum = async (): Promise<Record<string, string>> => {
    const columns = (
      await p.db.raw(`SELECT c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1, 2`)
    ).rows as { t: string; col: string; type: string }[];
    const tables = [...new Set(columns.map((c) => c.t))].filter((t) => !VOLATILE.test(t));
    // usernames (role_<hex>) and the unit code (U-<HEX>): nothing to escape in a regular expression or a literal
    const names = `'(${own.names.join('|')})'`;
    const ids = own.ids.join(', ');
    const parts = tables.map((t) => {
      const byId = columns
        .filter((c) => c.t === t && /(_by|^user_id)$/.test(c.col) && /^(integer|bigint)$/.test(c.type))
        .map((c) => ` OR x."${c.col}" IN (${ids})`)
        .join('');
      return `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM "${t}" x WHERE x::text ~ ${names}${byId}`;
    });
    const rows = (await p.db.raw(parts.join(' UNION ALL '))).rows as { t: string; h: string }[];
    return Object.fromEntries(rows.map((r) => [r.t, r.h]));
  };

  /** The first caller the route lets through (no token for public routes), or null. */
  const callerFor = async (o: Operation): Promise<string | undefined | null> => {
    const url = fillPath(o.path);
    const payload = o.method === 'GET' || o.method === 'DELETE' ? undefined : '{}';
    if ((await send(o.method, url, undefined, payload)).statusCode !== 401) return undefined;
    for (const role of ROLES) {
      const s = (await send(o.method, url, tokens[role], payload)).statusCode;
      if (s !== 401 && s !== 403) return tokens[role];
    }
    return null;
  };

  it('finds the operations that take input', () => {
    expect(ops.length).toBeGreaterThan(60);
  });

  it('refuses every hostile input with a Vietnamese 4xx that says what is wrong, and changes nothing', async () => {
    const failures: string[] = [];
    const changed: string[] = [];
    // The checksum reads every business table through: taken around a batch of operations (their callers found
    // first, since those probes may write), not around each one; a change names the batch's operations.
    const BATCH = 25;
    for (let start = 0; start < ops.length; start += BATCH) {
      const batch: { o: Operation; token: string | undefined }[] = [];
      for (const o of ops.slice(start, start + BATCH)) {
        // An event stream stays open for its caller: it is attacked through its ticket, without a token.
        const token = o.stream ? undefined : await callerFor(o);
        if (token === null) continue;
        if (process.env.HOSTILE_ONLY && !new RegExp(process.env.HOSTILE_ONLY).test(o.path)) continue;
        batch.push({ o, token });
      }
      const before = await checksum();
      for (const { o, token } of batch) await attack(o, token, failures);
      const after = await checksum();
      const names = batch.map(({ o }) => `${o.method} ${o.path}`).join(', ');
      for (const t of Object.keys(before)) if (before[t] !== after[t]) changed.push(`${t}, changed by one of: ${names}`);
    }
    expect(failures).toEqual([]);
    expect(changed).toEqual([]);
    expect(stats.operations).toBeGreaterThan(40);
    // A schema refusal names the field it is about in most cases (the others stop at an earlier field).
    expect(stats.namedField).toBeGreaterThan(stats.refused / 4);
  }, 600_000);

  /** Every hostile input for one operation, sent as its caller; what was not refused as it should be goes to failures. */
  async function attack(o: Operation, token: string | undefined, failures: string[]) {
    stats.operations++;
    const requests: { what: string; url: string; payload?: string; field?: string }[] = [];
    const baseQuery = Object.fromEntries(o.query.filter((q) => q.required).map((q) => [q.name, String(sample(q.schema ?? {}))]));
    const qs = (extra: Record<string, string>) => {
      const all = { ...baseQuery, ...extra };
      return Object.keys(all).length ? `?${new URLSearchParams(all)}` : '';
    };
    const baseBody = o.body ? (sample(o.body) as Record<string, unknown>) : undefined;
    const bodyText = baseBody === undefined ? (o.method === 'GET' || o.method === 'DELETE' ? undefined : '{}') : JSON.stringify(baseBody);
    const url0 = fillPath(o.path);

    for (const q of o.query) {
      const s = q.schema ?? {};
      for (const a of attacksFor(s)) {
        if (typeof a.value !== 'string') continue; // a query string carries text only
        requests.push({ what: `query ${q.name}: ${a.what}`, url: url0 + qs({ [q.name]: a.value }), payload: bodyText, field: q.name });
      }
    }
    for (const prm of o.params) {
      for (const value of ['x'.repeat(5000), confusable('KHONG-CO'), ...INJECTIONS]) {
        requests.push({
          what: `path ${prm.name}: ${JSON.stringify(value.slice(0, 16))}`,
          url: fillPath(o.path, { [prm.name]: value }) + qs({}),
          payload: bodyText,
        });
      }
    }
    if (o.body && typesOf(o.body).includes('object')) {
      const url = url0 + qs({});
      requests.push({ what: 'malformed JSON', url, payload: '{"a": [1, 2' });
      requests.push({ what: 'a list instead of an object', url, payload: '[1, 2, 3]' });
      requests.push({ what: 'prototype pollution', url, payload: '{"__proto__": {"roles": ["admin"]}, "constructor": {"prototype": {"admin": true}}}' });
      const props = firstOf(o.body).properties ?? {};
      for (const [name, s] of Object.entries<Schema>(props)) {
        for (const a of attacksFor(s))
          requests.push({ what: `body ${name}: ${a.what}`, url, payload: JSON.stringify({ ...baseBody, [name]: a.value }), field: name });
      }
    }

    for (const r of requests) {
      stats.attacks++;
      if (process.env.HOSTILE_DEBUG) appendFileSync(process.env.HOSTILE_DEBUG, `> ${o.method} ${r.url.slice(0, 120)} ${r.what}\n`);
      const res = await send(o.method, r.url, token, r.payload);
      const id = `${o.method} ${o.path} — ${r.what}`;
      let message = '';
      try {
        message = String(res.json().message ?? '');
      } catch {
        message = res.body.slice(0, 200);
      }
      if (res.statusCode < 400 || res.statusCode >= 500) {
        // A prototype-pollution body is harmless when it is ignored: the route answers as for "{}".
        if (r.what === 'prototype pollution' && res.statusCode < 400) continue;
        failures.push(`${id}: ${res.statusCode} ${message.slice(0, 160)}`);
        continue;
      }
      if (!VIETNAMESE.test(message)) {
        failures.push(`${id}: ${res.statusCode} without a Vietnamese message: ${message.slice(0, 160)}`);
        continue;
      }
      stats.refused++;
      if (res.json().code === 'VALIDATION') {
        expect(message, id).toMatch(/^Dữ liệu không hợp lệ: (trường "[^"]+"|dữ liệu gửi lên|tham số truy vấn|đường dẫn)/);
        if (r.field && message.includes(`"${r.field}`)) stats.namedField++;
      }
    }
  }
});
