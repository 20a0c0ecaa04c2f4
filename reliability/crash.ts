/**
 * `npm run reliability:crash` — crash test. Officers start and work cases over HTTP while the
 * API/worker process is killed with SIGKILL at random moments (seeded), the Zeebe broker is killed
 * with SIGKILL and restarted on its data, and PostgreSQL is restarted. Afterwards every case must be
 * complete, every step must have exactly one inbox row (none lost, none duplicated, none left open),
 * no completion may have been applied twice, and the audit chain must verify.
 *
 * Real components only: the embedded PostgreSQL, the Zeebe 8.6 broker with our exporter, the API
 * as a separate Node process (`api/server.ts`), driven through HTTP. Exit code 0 = no work lost.
 * The API runs with OUTBOX_GRACE_MS=10000 (an uncertain start is decided after 10 s, not 30 s).
 *
 * Cases are started with an Idempotency-Key (retried with the same key after a failure or a 202, and
 * now and then repeated after a success), and two desk officers receive dossiers of a bundled one-stop
 * procedure meanwhile: no case may be started twice and every received dossier must have exactly one
 * process instance (the engine outbox, engine/outbox.ts).
 *
 * Environment: CRASH_CASES (default 40), CRASH_SEED (default 20261123), CRASH_API_KILLS (5),
 * CRASH_BROKER_KILLS (2), CRASH_PG_RESTARTS (2), CRASH_DESK_DOSSIERS (12). Results are appended to reliability/RESULTS.md.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKnex, jdbcFromUrl, startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db.js';
import { migrateLatest } from '../migrations/index.js';
import { ensureAppRole, grantAppRights, urlAs } from '../lib/db-roles.js';
import { freeBrokerPorts, freePort, startBroker, type BrokerHandle } from '../engine/broker.js';
import { ApiProcess, counters, deskLoop, officerLoop, prepare, prng, record, say as sayAs, settled, sleep, verify } from './lib.js';

const CASES = Number(process.env.CRASH_CASES ?? 40);
const SEED = Number(process.env.CRASH_SEED ?? 20261123);
const API_KILLS = Number(process.env.CRASH_API_KILLS ?? 5);
const BROKER_KILLS = Number(process.env.CRASH_BROKER_KILLS ?? 2);
const PG_RESTARTS = Number(process.env.CRASH_PG_RESTARTS ?? 2);
const DESK_DOSSIERS = Number(process.env.CRASH_DESK_DOSSIERS ?? 12);
const DESKS = 2;
const OFFICERS = 4;
const say = sayAs('crash');

async function main(): Promise<number> {
  const rnd = prng(SEED);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eiso-crash-'));
  chmodSync(tmp, 0o755);
  const pgPort = await freePort();
  const brokerPorts = await freeBrokerPorts();
  const started = Date.now();
  const counts = { apiKills: 0, brokerKills: 0, pgRestarts: 0 };

  let pg: EmbeddedDatabase = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'eiso', say, { port: pgPort });
  const db = createKnex(pg.url);
  await migrateLatest(db);
  // as in production: the API processes and the exporters connect as the application role; one chain key for all
  const appPassword = randomBytes(18).toString('base64url');
  await ensureAppRole(db, 'eiso_app', appPassword);
  await grantAppRights(db, 'eiso_app');
  const auditChainKey = randomBytes(32).toString('hex');
  process.env.AUDIT_CHAIN_KEY = auditChainKey; // the final verification (lib.ts) checks the keyed hashes
  const startZeebe = () =>
    startBroker({
      cacheDir: path.resolve('.zeebe'),
      dataDir: path.join(tmp, 'zeebe'),
      exporter: jdbcFromUrl(urlAs(pg.url, 'eiso_app', appPassword)),
      ports: brokerPorts,
      log: say,
    });
  let broker: BrokerHandle = await startZeebe();

  const jwtSecret = randomBytes(32).toString('hex');
  const api = new ApiProcess(
    await freePort(),
    () => ({
      DATABASE_URL: urlAs(pg.url, 'eiso_app', appPassword),
      MIGRATION_DATABASE_URL: pg.url,
      AUDIT_CHAIN_KEY: auditChainKey,
      ZEEBE_ADDRESS: broker.gatewayAddress,
      ZEEBE_REST_ADDRESS: broker.restAddress,
      JWT_SECRET: jwtSecret,
      DATA_DIR: path.join(tmp, 'data'),
      OUTBOX_GRACE_MS: process.env.OUTBOX_GRACE_MS ?? '10000',
    }),
    path.join(tmp, 'api.log'),
  );
  await api.start();
  say(`platform up: API ${api.base}, broker ${broker.gatewayAddress}, PostgreSQL :${pgPort}`);
  const crew = await prepare(db, api.base, OFFICERS, DESKS);

  // The chaos schedule: every action at a random moment, in a random order.
  const actions = [...Array(API_KILLS).fill('api'), ...Array(BROKER_KILLS).fill('broker'), ...Array(PG_RESTARTS).fill('pg')] as ('api' | 'broker' | 'pg')[];
  for (let i = actions.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [actions[i], actions[j]] = [actions[j], actions[i]];
  }
  let chaosDone = false;
  const chaos = async () => {
    for (const action of actions) {
      await sleep(2000 + rnd() * 6000);
      if (action === 'api') {
        say('kill -9 the API/worker process');
        await api.kill();
        counts.apiKills++;
        await sleep(rnd() * 2000);
        await api.start();
        say('API back');
      } else if (action === 'broker') {
        say(`kill -9 the Zeebe broker (pid ${broker.pid})`);
        process.kill(broker.pid, 'SIGKILL');
        await broker.stop().catch(() => {});
        counts.brokerKills++;
        await sleep(rnd() * 2000);
        broker = await startZeebe();
        say('broker back');
      } else {
        say('restart PostgreSQL');
        await pg.stop();
        counts.pgRestarts++;
        await sleep(rnd() * 2000);
        pg = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'eiso', say, { port: pgPort });
        say('PostgreSQL back');
      }
    }
    chaosDone = true;
    say('chaos over; letting the work finish');
  };

  const done = async () => chaosDone && (await settled(db).catch(() => false));
  const share = (i: number) => (i < CASES ? Math.floor((CASES - 1 - i) / OFFICERS) + 1 : 0);
  const deskShare = (i: number) => Math.floor((DESK_DOSSIERS - 1 - i) / DESKS) + 1;
  const work = Promise.all([
    chaos(),
    ...crew.officers.map((username, i) => officerLoop([api.base], username, crew.password, share(i), done)),
    ...crew.desks.map((username, i) => deskLoop([api.base], username, crew.password, deskShare(i))),
  ]);
  const timedOut = await Promise.race([work.then(() => false), sleep(25 * 60_000).then(() => true)]);

  await sleep(2000); // the projector's last batch
  const verdict = await verify(db, CASES);
  const ok = verdict.ok && !timedOut;
  record(`## Crash test ${new Date().toISOString()} (seed ${SEED})`, [
    `- crashes survived: API/worker kill -9 × ${counts.apiKills}, broker kill -9 × ${counts.brokerKills}, PostgreSQL restart × ${counts.pgRestarts}`,
    ...verdict.lines,
    `- duration: ${Math.round((Date.now() - started) / 1000)} s${timedOut ? ' (TIMED OUT after 25 minutes)' : ''}; HTTP starts answered 201 or 200 (same key): ${counters.started}`,
    `- result: ${ok ? 'PASS' : 'FAIL'}`,
  ]);

  await api.kill();
  await db.destroy();
  await broker.stop().catch(() => {});
  await pg.stop().catch(() => {});
  if (ok) rmSync(tmp, { recursive: true, force: true });
  else say(`kept ${tmp} for inspection (api.log, zeebe/broker.log)`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
