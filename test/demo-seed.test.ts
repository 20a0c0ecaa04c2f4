import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { DEMO_UNITS, DEMO_USERS, seedDemo } from '../api/demo.js';
import { upsertUnit } from '../domain/org/users.js';

/**
 * Demo seeding (npm start = server.ts --demo): only missing demo accounts are created; an existing
 * account named like a demo user keeps its password, roles and sessions. The platform itself (npm run
 * serve, and every test platform) seeds no user.
 */
describe('demo seeding', () => {
  let p: TestPlatform;
  const names = DEMO_USERS.map((u) => u.username);
  const row = (username: string) => p.db('users').where({ username }).first('password_hash', 'roles', 'token_version', 'unit_id');

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
  });
  afterAll(async () => {
    // Leave the run's shared database as other files expect it: without the demo accounts.
    await p
      ?.db('users')
      .whereIn('username', names)
      .delete()
      .catch(() => {});
    await p?.close();
  });

  it('starting the platform without --demo creates no demo account', async () => {
    expect(await p.db('users').whereIn('username', names).pluck('username')).toEqual([]);
  });

  it('an existing account keeps its password hash, roles and tokens; only the missing ones are created; a second run changes nothing', async () => {
    for (const u of DEMO_UNITS) await upsertUnit(p.db, u);
    // The administrator changed quantri's password and roles on this database long ago.
    const own = 'Mật khẩu riêng của quản trị 2026';
    const unit = await p.db('org_units').where({ code: 'SNNMT' }).first('id');
    await p
      .db('users')
      .insert({ username: 'quantri', password_hash: await hash(own), full_name: 'Quản trị thật', unit_id: unit.id, roles: ['admin', 'auditor'] });
    const before = await row('quantri');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-demo-'));
    const first = await seedDemo(p.db, dir);
    const q = first.find((u) => u.username === 'quantri')!;
    expect(q).toMatchObject({ created: false, password: null });
    expect(await row('quantri')).toEqual(before);
    expect(await verify(before.password_hash, own)).toBe(true);
    const created = first.filter((u) => u.created);
    expect(created.map((u) => u.username).sort()).toEqual(names.filter((n) => n !== 'quantri').sort());
    for (const u of created) expect(await verify((await row(u.username)).password_hash, u.password!)).toBe(true);

    // Again with the same data folder: the same passwords printed, nothing written.
    const hashes = Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await row(n)).password_hash])));
    const second = await seedDemo(p.db, dir);
    expect(second.every((u) => !u.created)).toBe(true);
    for (const u of created) expect(second.find((s) => s.username === u.username)!.password).toBe(u.password);
    // With another data folder (credentials file lost): no password is reset, none is printed.
    const third = await seedDemo(p.db, mkdtempSync(path.join(os.tmpdir(), 'eiso-demo-')));
    expect(third.every((u) => !u.created && u.password === null)).toBe(true);
    for (const n of names) expect((await row(n)).password_hash).toBe(hashes[n]);
    expect(await row('quantri')).toEqual(before);
  });
});
