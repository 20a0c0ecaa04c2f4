import { readConfig } from '../lib/config.js';
import { startPlatform } from './platform.js';
import { seedDemo } from './demo.js';

/**
 * The process: starts the platform, listens, prints where to go, and on Ctrl-C / SIGTERM closes
 * the app, the engine runtime, the broker and the embedded database it started.
 * `--demo` also creates the demo organisation and users and prints their credentials.
 */
async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  const config = readConfig();
  const say = (m: string) => console.log(`[eiso] ${m}`);
  const platform = await startPlatform({ config, say });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: stopping...`);
    await platform.close();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (demo) {
    const users = await seedDemo(platform.db, config.dataDir);
    say('Demo users (username / password / roles / unit):');
    for (const u of users) say(`  ${u.username.padEnd(11)} ${(u.password ?? '(giữ nguyên / unchanged)').padEnd(24)} ${u.roles.join(',').padEnd(9)} ${u.unit}`);
  }
  const address = await platform.app.listen({ host: config.host, port: config.port });
  say(`Ready. Open ${address.replace('127.0.0.1', 'localhost')} in a browser (API docs: ${address}/docs)`);
}

main().catch((err) => {
  console.error('[eiso] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
