import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import type { Knex } from 'knex';
import { createUser, login, type Client } from './helpers/fixtures.js';

/**
 * The bad-input corpus: hostile and malformed requests to the routes that write (deploy, procedures,
 * calendar, tasks, cases). Each must get a 4xx with a message, change nothing in the database, and
 * leave the platform healthy. Then a bounded, seeded fuzzing pass mutates valid bodies.
 */
describe('bad-input corpus', () => {
  let p: TestPlatform;
  let admin: Client;
  let designer: Client;
  let officer: Client;
  const tally = { tried: 0, rejected: 0 };

  /**
   * What this file's callers wrote, table by table: a refused request changes none of it. Scoped to them
   * (rows they deployed, created, claimed, paused, commented, queued): other files write into the same
   * tables meanwhile.
   */
  const snapshot = async () => {
    const clients = [admin, designer, officer];
    const ids = clients.map((c) => c.user.id);
    const names = clients.map((c) => c.user.username);
    const count = async (q: Knex.QueryBuilder) => Number((await q.count<{ n: string }[]>({ n: '*' }))[0].n);
    return {
      process_definitions: await count(p.db('process_definitions').whereIn('deployed_by', ids)),
      procedures: await count(p.db('procedures').whereIn('created_by', ids)),
      calendar_days: await count(p.db('calendar_days').whereIn('created_by', ids).orWhereIn('updated_by', ids)),
      inbox_tasks: await count(p.db('inbox_tasks').whereIn('assignee', names)),
      case_pauses: await count(p.db('case_pauses').whereIn('paused_by', names).orWhereIn('resumed_by', names)),
      task_comments: await count(p.db('task_comments').whereIn('author', names)),
      engine_outbox: await count(p.db('engine_outbox').whereIn('created_by', names)),
    };
  };

  const send = async (c: Client, method: string, url: string, payload: string | object | undefined, contentType = 'application/json') => {
    const res = await p.app.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${c.token}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) },
      ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
    });
    tally.tried++;
    if (res.statusCode >= 400 && res.statusCode < 500) tally.rejected++;
    return res;
  };

  const expectRefused = (res: { statusCode: number; body: string }, what: string) => {
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    const body = JSON.parse(res.body);
    expect(typeof body.message, what).toBe('string');
    expect(body.message.length, what).toBeGreaterThan(5);
  };

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'] }));
  });
  afterAll(async () => {
    // The reliability section of the README reports these figures.
    console.log(`[bad-input] inputs tried: ${tally.tried}, rejected with 4xx: ${tally.rejected}`);
    await p?.close();
  });

  const XXE = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"><bpmn:process id="xxe" name="&xxe;" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>`;
  const LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"><bpmn:process id="lol" name="&lol5;" isExecutable="true"/></bpmn:definitions>`;
  const BPMN_CORPUS: [string, string][] = [
    ['external entity (XXE)', XXE],
    ['entity expansion (billion laughs)', LAUGHS],
    [
      'parameter entity',
      `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"/>`,
    ],
    ['unclosed tags', `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="a">`],
    ['not XML at all', 'PK\u0003\u0004 this is a zip file, not BPMN'],
    ['XML that is not BPMN', '<?xml version="1.0"?><html><body>hello</body></html>'],
    ['BPMN without a process', `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"/>`],
    [
      'process id with a script payload',
      `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"><bpmn:process id="&lt;script&gt;alert(1)&lt;/script&gt;" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>`,
    ],
    ['a lone NUL byte', `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D\u0000" targetNamespace="x"/>`],
    ['100,000 nested elements', `<a>${'<b>'.repeat(100_000)}${'</b>'.repeat(100_000)}</a>`],
  ];

  it('refuses malformed and hostile BPMN on deploy and on procedure import, and stores nothing', async () => {
    const before = await snapshot();
    for (const [what, xml] of BPMN_CORPUS) {
      expectRefused(await send(designer, 'POST', '/api/process-definitions', { resourceName: 'bad.bpmn', xml }), `deploy: ${what}`);
      expectRefused(await send(designer, 'POST', '/api/procedures', { xml, fileName: 'bad.bpmn' }), `import: ${what}`);
    }
    const xxe = await send(designer, 'POST', '/api/process-definitions', { resourceName: 'bad.bpmn', xml: XXE });
    expect(xxe.body).not.toContain('root:');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses bodies that are too big, not JSON, deeply nested or try prototype pollution', async () => {
    const before = await snapshot();
    const bigXml = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">${' '.repeat(5 * 1024 * 1024)}</bpmn:definitions>`;
    const big = await send(designer, 'POST', '/api/process-definitions', { resourceName: 'big.bpmn', xml: bigXml });
    expect(big.statusCode).toBe(413);
    expectRefused(big, 'oversized deploy');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', '{"date": "2026-01-01", "kind": ', 'application/json'), 'truncated JSON');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', `${'['.repeat(5000)}${']'.repeat(5000)}`), 'deeply nested JSON');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', '{"__proto__": {"isAdmin": true}, "date": "2026-01-01"}'), 'prototype pollution');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', 'date=2026-01-01', 'application/x-www-form-urlencoded'), 'form encoding');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', '<day/>', 'application/xml'), 'XML body');
    expect(await snapshot()).toEqual(before);
    expect((await p.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('refuses invalid dates, unknown codes and keys', async () => {
    const before = await snapshot();
    const day = { kind: 'day_off', name: 'Nghỉ bù', reason: 'Thử dữ liệu sai' };
    for (const date of [
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '0000-01-01',
      '99999-01-01',
      '2026-1-1',
      '',
      '2026-02-29',
      'ngày mai',
      '2026-01-01T00:00:00Z',
    ]) {
      expectRefused(await send(admin, 'POST', '/api/calendar/days', { ...day, date }), `calendar date ${JSON.stringify(date)}`);
    }
    expectRefused(await send(admin, 'POST', '/api/calendar/days', { ...day, date: '2099-03-03', kind: 'ngay-le' }), 'unknown day kind');
    expectRefused(await send(admin, 'POST', '/api/calendar/days', { ...day, date: '2099-03-03', unit: 'KHONG-CO' }), 'unknown unit code');
    expectRefused(await send(admin, 'GET', '/api/calendar/due?start=2026-02-30T08:00&days=3', undefined), 'due from an impossible date');
    for (const id of ['abc', '-1', '1.5', '99999999999999999999999', '0x10', "1' OR '1'='1"]) {
      expectRefused(await send(officer, 'POST', `/api/tasks/${encodeURIComponent(id)}/claim`, {}), `claim ${id}`);
      expectRefused(await send(officer, 'POST', `/api/cases/${encodeURIComponent(id)}/pause`, { reason: 'chờ công dân bổ sung' }), `pause ${id}`);
    }
    expectRefused(await send(officer, 'POST', '/api/tasks/123456789/claim', {}), 'claim of an unknown task');
    expect(await snapshot()).toEqual(before);
  });

  it('stores Vietnamese and Unicode edge cases in names exactly, and refuses control characters', async () => {
    const cases = [
      'Tết Nguyên Đán (mùng 1)', // precomposed (NFC)
      'Tết Nguyên Đán'.normalize('NFD'), // decomposed: stored as sent
      'Giỗ Tổ Hùng Vương 🇻🇳',
      "Ngày O'Brien; DROP TABLE users;--",
      '<img src=x onerror=alert(1)>',
      'ĐẠI HỘI ĐẢNG ỨNG VIÊN ỮỮỮ',
    ];
    // Far from every other test's scenario (the calendar is shared by the run).
    let date = new Date(Date.UTC(2099, 0, 5));
    for (const name of cases) {
      date = new Date(date.getTime() + 86_400_000);
      const iso = date.toISOString().slice(0, 10);
      const res = await send(admin, 'POST', '/api/calendar/days', { date: iso, kind: 'day_off', name, reason: 'Kiểm tra Unicode' });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      const stored = await p.db('calendar_days').where({ day: iso }).first();
      expect(stored.name).toBe(name);
    }
    expect(await p.db('users').count('* as n')).toBeTruthy(); // the users table survived the payload
    const before = await snapshot();
    for (const name of ['Tên\u0000ẩn', '   ', 'x'.repeat(301)]) {
      expectRefused(
        await send(admin, 'POST', '/api/calendar/days', { date: '2099-02-20', kind: 'day_off', name, reason: 'Kiểm tra Unicode' }),
        `name ${JSON.stringify(name.slice(0, 20))}`,
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a bounded fuzzing pass (seeded) over the writing routes gets no 5xx and changes nothing it refuses', async () => {
    // mulberry32: the same inputs on every run
    let seed = 0x5eed1234;
    const rnd = () => {
      seed |= 0;
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
    const nasty: unknown[] = [
      null,
      true,
      -1,
      1e308,
      '',
      ' ',
      '\u0000',
      '\uFEFF',
      '\u202E',
      'ﾟ',
      '😀'.repeat(50),
      'a'.repeat(10_000),
      '../../etc/passwd',
      '${jndi:ldap://x}',
      "'; SELECT pg_sleep(5);--",
      '<script>alert(1)</script>',
      [],
      {},
      [1, [2, [3]]],
      { $gt: '' },
    ];
    const targets: { client: Client; method: string; url: string; body: Record<string, unknown> }[] = [
      { client: admin, method: 'POST', url: '/api/calendar/days', body: { date: '2099-04-01', kind: 'day_off', name: 'Nghỉ', reason: 'Thử fuzz' } },
      // (not the national working hours: a mutation that stays valid would move every later test's deadlines)
      { client: officer, method: 'POST', url: '/api/tasks/1/comments', body: { body: 'Ý kiến thử' } },
      { client: officer, method: 'POST', url: '/api/tasks/1/complete', body: { variables: { a: 1 } } },
      { client: officer, method: 'POST', url: '/api/tasks/reassign', body: { taskIds: ['1'], assignee: 'ai-do', reason: 'Thử fuzz' } },
      { client: designer, method: 'POST', url: '/api/procedures', body: { name: 'Thủ tục thử', bpmnProcessId: 'fuzz-proc' } },
      { client: officer, method: 'POST', url: '/api/process-instances', body: { bpmnProcessId: 'khong-co', variables: {} } },
    ];
    const before = await snapshot();
    let fivexx = 0;
    const N = 300;
    for (let i = 0; i < N; i++) {
      const t = pick(targets);
      const body: Record<string, unknown> = { ...t.body };
      const keys = Object.keys(body);
      const mutations = 1 + Math.floor(rnd() * 3);
      for (let m = 0; m < mutations; m++) {
        const r = rnd();
        if (r < 0.6) body[pick(keys)] = pick(nasty);
        else if (r < 0.8) delete body[pick(keys)];
        else body[`extra${m}`] = pick(nasty);
      }
      const res = await send(t.client, t.method, t.url, body);
      if (res.statusCode >= 500) {
        fivexx++;
        console.error('5xx', t.url, JSON.stringify(body).slice(0, 300), res.body);
      }
      // 2xx is possible only where the mutation happened to stay valid (e.g. a procedure created): those are allowed changes.
      if (res.statusCode >= 200 && res.statusCode < 300) continue;
      expect(res.statusCode, `${t.url} ${JSON.stringify(body).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    }
    expect(fivexx).toBe(0);
    const after = await snapshot();
    expect(after.inbox_tasks).toBe(before.inbox_tasks);
    expect(after.process_definitions).toBe(before.process_definitions);
    expect(after.engine_outbox).toBe(before.engine_outbox);
    expect((await p.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
