import { readConfig } from '../lib/config.js';
import { startPlatform } from './platform.js';
import { seedDemo } from './demo.js';
import { demoFillMarked, fillDemo } from './demo-fill.js';
import { DemoClock } from './demo-clock.js';
import { jobPollsDrained } from '../engine/jobs/worker.js';

/**
 * The process: starts the platform, listens, prints where to go, and on Ctrl-C / SIGTERM closes
 * the app, the engine runtime, the broker and the embedded database it started.
 * `--demo` also creates the demo organisation and users and prints their credentials, and once it listens
 * fills the demo with activity in the background (api/demo-fill.ts) unless `--empty` is given (or
 * DEMO_EMPTY=1); DEMO_DOSSIERS sets how many one-stop dossiers it makes (default 250), played over a past year
 * (the platform's clock and the broker's controlled clock moved forward, then back to now).
 */
async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  const config = readConfig();
  const empty = process.argv.includes('--empty') || config.demoEmpty;
  const say = (m: string) => console.log(`[eiso] ${m}`);
  // The demo lives through a past year on Zeebe's controlled clock (api/demo-clock.ts), on the start that
  // fills it; a later start of the same data folder, and a production start, never expose the broker's clock.
  const pastYear = demo && !empty && !demoFillMarked(config.dataDir);
  const platform = await startPlatform({ config, say, controlledClock: pastYear, pastYear });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: stopping...`);
    await platform.close();
    // the last polls of the stopped workers end within the gateway's long-polling timeout, their jobs handed back
    await jobPollsDrained();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const passwords = new Map<string, string>();
  if (demo) {
    const users = await seedDemo(platform.db, config.dataDir);
    for (const u of users) if (u.password) passwords.set(u.username, u.password);
    say('Demo users (username / password / roles / unit):');
    for (const u of users) say(`  ${u.username.padEnd(11)} ${(u.password ?? '(giữ nguyên / unchanged)').padEnd(24)} ${u.roles.join(',').padEnd(9)} ${u.unit}`);
  }
  const address = await platform.app.listen({ host: config.host, port: config.port });
  say(`Ready. Open ${address.replace('127.0.0.1', 'localhost')} in a browser (API docs: ${address}/docs)`);
  if (demo && empty) say('Demo without activity (--empty): only the organisation and the users.');
  if (demo && !empty) {
    void fillDemo({
      app: platform.app,
      db: platform.db,
      dataDir: config.dataDir,
      passwords,
      dossiers: Math.max(0, config.demoDossiers),
      say,
      // an external engine keeps its own time: then everything happens now
      clock: platform.broker && pastYear ? new DemoClock(platform.db, platform.broker.managementAddress) : undefined,
      zeebe: platform.zeebe,
    })
      .then((r) => {
        if (r.skipped) say(`Demo data: already there (${r.reason})`);
        else say(`Demo data ready: ${r.completed} of ${r.total} made${r.failed ? `, ${r.failed} failed (listed above)` : ''}`);
      })
      .catch((err: unknown) => say(`Demo data: stopped (${err instanceof Error ? err.message : String(err)})`));
  }
}

main().catch((err) => {
  console.error('[eiso] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
