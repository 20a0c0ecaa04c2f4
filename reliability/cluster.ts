/**
 * `npm run reliability:cluster` — scale-out test. A three-broker Zeebe cluster (three partitions,
 * replication factor three, each broker with its embedded gateway and our history exporter) on this
 * machine, two API/worker processes on two of the gateways, officers working cases through both
 * APIs; under load the third broker is killed with SIGKILL (and later restarted). Processing must
 * go on and nothing may be lost: the same checks as the crash test.
 *
 * Environment: CLUSTER_CASES (default 40). Results are appended to reliability/RESULTS.md.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKnex, jdbcFromUrl, startEmbeddedPostgres } from '../lib/db.js';
import { migrateLatest } from '../migrations/index.js';
import { ensureAppRole, grantAppRights, urlAs } from '../lib/db-roles.js';
import { freeBrokerPorts, startBroker, freePort, type BrokerHandle, type BrokerPorts } from '../engine/broker.js';
import { ApiProcess, completedCases, counters, officerLoop, prepare, record, say as sayAs, settled, sleep, verify } from './lib.js';

const CASES = Number(process.env.CLUSTER_CASES ?? 40);
const OFFICERS = 4;
const say = sayAs('cluster');

async function main(): Promise<number> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eiso-cluster-'));
  chmodSync(tmp, 0o755);
  const started = Date.now();
  const pg = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'eiso', say);
  const db = createKnex(pg.url);
  await migrateLatest(db);
  // as in production: the API processes and the exporters connect as the application role; one chain key for all
  const appPassword = randomBytes(18).toString('base64url');
  await ensureAppRole(db, 'eiso_app', appPassword);
  await grantAppRights(db, 'eiso_app');
  const auditChainKey = randomBytes(32).toString('hex');
  process.env.AUDIT_CHAIN_KEY = auditChainKey; // the final verification (lib.ts) checks the keyed hashes

  const ports: BrokerPorts[] = [await freeBrokerPorts(), await freeBrokerPorts(), await freeBrokerPorts()];
  const contactPoints = ports.map((p) => `127.0.0.1:${p.internal}`);
  const startNode = (nodeId: number) =>
    startBroker({
      cacheDir: path.resolve('.zeebe'),
      dataDir: path.join(tmp, `zeebe-${nodeId}`),
      exporter: jdbcFromUrl(urlAs(pg.url, 'eiso_app', appPassword)),
      ports: ports[nodeId],
      heap: '384m',
      cluster: { nodeId, size: 3, partitions: 3, replicationFactor: 3, contactPoints },
      readyTimeoutMs: 600_000,
      log: (m) => say(`broker ${nodeId}: ${m}`),
    });
  // All three at once: a partition gets its leader only when a quorum of its replicas is up.
  const brokers: BrokerHandle[] = await Promise.all([0, 1, 2].map(startNode));
  say(`cluster up: gateways ${brokers.map((b) => b.gatewayAddress).join(', ')}`);

  const jwtSecret = randomBytes(32).toString('hex');
  const apiPorts = [await freePort(), await freePort()];
  const live = [0, 1].map(
    (i) =>
      new ApiProcess(
        apiPorts[i],
        () => ({
          DATABASE_URL: urlAs(pg.url, 'eiso_app', appPassword),
          MIGRATION_DATABASE_URL: pg.url,
          AUDIT_CHAIN_KEY: auditChainKey,
          ZEEBE_ADDRESS: brokers[i].gatewayAddress,
          ZEEBE_REST_ADDRESS: brokers[i].restAddress,
          JWT_SECRET: jwtSecret,
          DATA_DIR: path.join(tmp, `data-${i}`),
        }),
        path.join(tmp, `api-${i}.log`),
      ),
  );
  await live[0].start();
  await live[1].start(); // the second process deploys nothing new (bundled models are unchanged) and shares the work
  say(`APIs up: ${live.map((a) => a.base).join(', ')}`);
  const crew = await prepare(db, live[0].base, OFFICERS);

  let chaosDone = false;
  let killedAt = 0;
  let completedBeforeKill = 0;
  const chaos = async () => {
    // Kill the broker no API uses as its gateway, once a fifth of the cases are done.
    while ((await completedCases(db)) < Math.ceil(CASES / 5)) await sleep(500);
    completedBeforeKill = await completedCases(db);
    say(`kill -9 broker 2 (pid ${brokers[2].pid}) with ${completedBeforeKill} cases done`);
    process.kill(brokers[2].pid, 'SIGKILL');
    await brokers[2].stop().catch(() => {});
    killedAt = Date.now();
    // Processing must go on without it: wait for more cases to complete on the two survivors.
    while ((await completedCases(db)) < completedBeforeKill + Math.ceil(CASES / 5)) await sleep(500);
    say(
      `${(await completedCases(db)) - completedBeforeKill} more cases completed with broker 2 down (${Math.round((Date.now() - killedAt) / 1000)} s); restarting it`,
    );
    brokers[2] = await startNode(2);
    chaosDone = true;
    say('broker 2 back');
  };

  const done = async () => chaosDone && (await settled(db).catch(() => false));
  const share = (i: number) => (i < CASES ? Math.floor((CASES - 1 - i) / OFFICERS) + 1 : 0);
  const bases = live.map((a) => a.base);
  const work = Promise.all([
    chaos(),
    ...crew.officers.map((username, i) => officerLoop(i % 2 ? [...bases].reverse() : bases, username, crew.password, share(i), done)),
  ]);
  const timedOut = await Promise.race([work.then(() => false), sleep(30 * 60_000).then(() => true)]);

  await sleep(2000);
  const verdict = await verify(db, CASES);
  const partitions = (await db.raw(`SELECT partition_id, count(*) AS n FROM zeebe_record GROUP BY 1 ORDER BY 1`)).rows as { partition_id: number; n: string }[];
  const ok = verdict.ok && !timedOut;
  record(`## Cluster test ${new Date().toISOString()}`, [
    `- three brokers, three partitions, replication factor three; two API/worker processes (gateways of brokers 0 and 1)`,
    `- broker 2 killed with SIGKILL after ${completedBeforeKill} completed cases; processing went on without it; restarted afterwards`,
    `- exported records per partition: ${partitions.map((p) => `${p.partition_id}: ${p.n}`).join(', ')}`,
    ...verdict.lines,
    `- duration: ${Math.round((Date.now() - started) / 1000)} s${timedOut ? ' (TIMED OUT after 30 minutes)' : ''}; HTTP starts answered 201 or 200 (same key): ${counters.started}`,
    `- result: ${ok ? 'PASS' : 'FAIL'}`,
  ]);

  for (const a of live) await a.kill();
  await db.destroy();
  for (const b of brokers) await b.stop().catch(() => {});
  await pg.stop().catch(() => {});
  if (ok) rmSync(tmp, { recursive: true, force: true });
  else say(`kept ${tmp} for inspection`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
