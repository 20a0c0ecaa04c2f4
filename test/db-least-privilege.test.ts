import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Knex } from 'knex';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { externalAddress, isLoopback, listeningAddresses, tryConnect } from './helpers/sockets.js';
import { createKnex, embeddedPasswordFile, startEmbeddedPostgres, LEGACY_EMBEDDED_PASSWORD } from '../lib/db.js';
import { readConfig } from '../lib/config.js';
import { startPlatform } from '../api/platform.js';
import { appendAudit, verifyAuditChain } from '../domain/audit/chain.js';
import { ensureMonthPartitions } from '../domain/audit/partitions.js';

const month = (d: Date) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * "Every input is hostile", Medium 7 (a) and 8: the platform runs as a role that owns nothing, and what
 * it starts listens on loopback only, with the engine's management endpoints it does not use turned off.
 */
describe('least privilege: the application role', () => {
  let p: TestPlatform;
  let owner: Knex;
  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    owner = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 1 });
  });
  afterAll(async () => {
    await owner?.destroy();
    await p?.close();
  });

  it('is what the platform pool connects as: no superuser, owns no table, cannot create roles', async () => {
    const me = (
      await p.db.raw(`SELECT current_user AS u, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user`)
    ).rows[0];
    expect(me).toEqual({ u: inject('appDbRole'), rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
    const owned = (await p.db.raw(`SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`)).rows[0]
      .n;
    expect(owned).toBe(0);
  });

  it('cannot switch off, bypass or empty the audit log: every attack fails and the entry stays', async () => {
    const row = await appendAudit(p.db, { actor: 'attacker', actorRoles: [], actorUnit: null, action: 'test.least_privilege', after: { soTien: 100 } });
    const part = `audit_log_p${month(row.at)}`;
    const attacks: [string, RegExp][] = [
      ['ALTER TABLE audit_log DISABLE TRIGGER ALL', /must be owner/],
      ['ALTER TABLE audit_log DISABLE TRIGGER USER', /must be owner/],
      [`UPDATE audit_log SET after = '{"soTien": 999}' WHERE seq = ${row.seq}`, /permission denied/],
      [`DELETE FROM audit_log WHERE seq = ${row.seq}`, /permission denied/],
      ['TRUNCATE audit_log', /permission denied/],
      ['DROP TRIGGER audit_log_no_update_delete ON audit_log', /must be owner/],
      ['DROP TRIGGER audit_log_seq_unique ON audit_log', /must be owner/],
      // straight at the month's partition, around the parent
      [`UPDATE ${part} SET reason = 'x' WHERE seq = ${row.seq}`, /permission denied/],
      [`DELETE FROM ${part} WHERE seq = ${row.seq}`, /permission denied/],
      [`TRUNCATE ${part}`, /permission denied/],
      [`ALTER TABLE audit_log DETACH PARTITION ${part}`, /must be owner/],
      [`DROP TABLE ${part}`, /must be owner/],
      // triggers off for the session, the head moved back, the seq register emptied
      ['SET session_replication_role = replica', /permission denied/],
      ['UPDATE audit_chain_head SET last_seq = 1, last_hash = hash FROM audit_log WHERE audit_log.seq = 1', /only moves forward|permission denied/],
      ['DELETE FROM audit_chain_head', /permission denied/],
      ['DELETE FROM audit_log_seq', /permission denied/],
      ['DROP TABLE audit_log', /must be owner/],
      ['ALTER FUNCTION audit_log_append_only() OWNER TO CURRENT_USER', /must be owner/],
      ['CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$', /must be owner|permission denied/],
      ['CREATE TABLE evil (x int)', /permission denied for schema/],
      ['CREATE ROLE evil SUPERUSER', /permission denied|must be superuser/],
      [`SELECT eiso_ensure_month_partitions('users'::regclass, now()::date, now()::date)`, /not a monthly partitioned table/],
    ];
    for (const [sql, error] of attacks) await expect(p.db.raw(sql), sql).rejects.toThrow(error);
    const still = await owner('audit_log').where({ seq: row.seq }).first();
    expect(still.after).toEqual({ soTien: 100 });
    expect((await verifyAuditChain(p.db)).problems).toEqual([]);
  });

  it('still does its work: appends, reads, and creates the months ahead through the owner-defined function', async () => {
    const row = await appendAudit(p.db, { actor: 'app', actorRoles: [], actorUnit: null, action: 'test.least_privilege.ok' });
    expect((await p.db('audit_log').where({ seq: row.seq }).first()).action).toBe('test.least_privilege.ok');
    const created = await ensureMonthPartitions(p.db, 3);
    expect(Object.keys(created).sort()).toEqual(['audit_log', 'hist_element_instances', 'hist_jobs', 'hist_variable_events']);
    // a month created through the function belongs to the owner, not to the application role
    const far = new Date(Date.UTC(new Date().getUTCFullYear() + 4, 0, 1));
    await p.db.raw(`SELECT eiso_ensure_month_partitions('audit_log'::regclass, ?::date, ?::date)`, [far, far]);
    const ownerOf = (await p.db.raw(`SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relname = ?`, [`audit_log_p${month(far)}`])).rows[0].o;
    expect(ownerOf).not.toBe(inject('appDbRole'));
    await expect(p.db.raw(`TRUNCATE audit_log_p${month(far)}`)).rejects.toThrow(/permission denied/);
  });

  it('warns in the start log when only DATABASE_URL is given (the owner for everything)', async () => {
    const said: string[] = [];
    const config = {
      ...readConfig({}),
      databaseUrl: inject('ownerDatabaseUrl'),
      migrationDatabaseUrl: undefined,
      zeebeAddress: inject('zeebeAddress'),
      zeebeRestAddress: inject('zeebeRestAddress'),
      auditChainKey: inject('auditChainKey'),
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'eiso-data-')),
      jwtSecret: 'x'.repeat(32),
    };
    const platform = await startPlatform({ config, runtime: false, deployBundled: false, logger: false, say: (m) => said.push(m) });
    try {
      expect(said.join('\n')).toMatch(/WARNING: MIGRATION_DATABASE_URL is not set/);
      expect((await platform.db.raw('SELECT current_user AS u')).rows[0].u).toBe(new URL(inject('ownerDatabaseUrl')).username || 'postgres');
    } finally {
      await platform.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});

describe('bindings: loopback only, management endpoints off', () => {
  it('the broker listens on loopback only (gateway, command, internal, REST, management), and refuses a non-loopback address', async () => {
    const addresses = listeningAddresses(inject('zeebePid'));
    expect(addresses.length).toBeGreaterThanOrEqual(5);
    expect(addresses.filter((a) => !isLoopback(a))).toEqual([]);
    const ext = externalAddress();
    if (ext) for (const a of addresses) expect(await tryConnect(ext, Number(a.split(':').pop())), `${ext} -> ${a}`).not.toBe('open');
  });

  it('the broker answers 404 on the management endpoints the platform does not use; health and (tests) clock stay', async () => {
    const base = inject('zeebeManagementAddress');
    for (const ep of [
      'partitions',
      'exporters',
      'backups',
      'loggers',
      'env',
      'configprops',
      'beans',
      'rebalance',
      'banning',
      'flowControl',
      'prometheus',
      'metrics',
      'cluster',
      'jobstreams',
      'threaddump',
    ]) {
      const r = await fetch(`${base}/actuator/${ep}`);
      expect(r.status, ep).toBe(404);
    }
    const post = await fetch(`${base}/actuator/rebalance`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await fetch(`${base}/actuator/health`)).status).toBe(200);
    expect((await fetch(`${base}/actuator/clock`)).status).toBe(200);
  });

  it('the HTTP server binds to 127.0.0.1 unless HOST says otherwise', () => {
    expect(readConfig({}).host).toBe('127.0.0.1');
  });
});

describe('embedded PostgreSQL: own password, loopback', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-pg-'));
    chmodSync(dir, 0o755); // as root, the postgres user must enter it
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const connectAs = async (port: number, password: string): Promise<string> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.end();
      return 'ok';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };

  it('refuses the password "postgres", keeps a random one in a 0600 file, listens on loopback; an old data folder is moved to its own password', async () => {
    const pgDir = path.join(dir, 'pg');
    let emb = await startEmbeddedPostgres(pgDir, 'eiso');
    const port = Number(new URL(emb.url).port);
    try {
      const file = embeddedPasswordFile(pgDir);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(decodeURIComponent(new URL(emb.url).password)).toBe(password);
      expect(await connectAs(port, LEGACY_EMBEDDED_PASSWORD)).toBe('28P01'); // invalid_password
      expect(await connectAs(port, password)).toBe('ok');
      // listening: loopback only; a non-loopback address of this machine is refused
      const postmaster = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const addresses = listeningAddresses(postmaster);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.filter((a) => !isLoopback(a))).toEqual([]);
      const ext = externalAddress();
      if (ext) expect(await tryConnect(ext, port)).not.toBe('open');

      // given a data folder of an earlier version: password 'postgres', no password file
      const c = new pg.Client({ connectionString: emb.url });
      await c.connect();
      await c.query(`ALTER ROLE postgres PASSWORD '${LEGACY_EMBEDDED_PASSWORD}'`);
      await c.end();
      await emb.stop();
      rmSync(file);
      // when it starts again, it gets its own password and the old one stops working
      emb = await startEmbeddedPostgres(pgDir, 'eiso', () => {}, { port });
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const fresh = readFileSync(file, 'utf8').trim();
      expect(fresh).not.toBe(LEGACY_EMBEDDED_PASSWORD);
      expect(await connectAs(port, LEGACY_EMBEDDED_PASSWORD)).toBe('28P01');
      expect(await connectAs(port, fresh)).toBe('ok');
    } finally {
      await emb.stop();
    }
  });

  it('the platform on an embedded database runs as eiso_app (not the superuser), its secrets 0600 in the data folder', async () => {
    const dataDir = path.join(dir, 'data');
    const config = { ...readConfig({}), dataDir, zeebeAddress: inject('zeebeAddress'), zeebeRestAddress: inject('zeebeRestAddress') };
    for (let run = 0; run < 2; run++) {
      // twice: the second start finds the role and its password file
      const platform = await startPlatform({ config, runtime: false, deployBundled: false, logger: false });
      try {
        const me = (await platform.db.raw(`SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`)).rows[0];
        expect(me).toEqual({ u: 'eiso_app', su: false });
        await expect(platform.db.raw('ALTER TABLE audit_log DISABLE TRIGGER ALL')).rejects.toThrow(/must be owner/);
      } finally {
        await platform.close();
      }
    }
    for (const f of ['pg-superuser-password', 'pg-app-password', 'audit-chain-key', 'jwt-secret'])
      expect(statSync(path.join(dataDir, f)).mode & 0o777, f).toBe(0o600);
  });
});
