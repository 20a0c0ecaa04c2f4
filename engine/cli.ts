import path from 'node:path';
import { ensureZeebeDistribution } from './distribution.js';
import { findJavaHome } from './java.js';
import { buildExporter, exporterEnv } from './exporter/index.js';
import { jdbcFromUrl } from '../lib/db.js';
import { readConfig } from '../lib/config.js';

/** `tsx engine/cli.ts fetch|build-exporter`: prepare the broker ahead of time (CI, offline installs). */
async function main(cmd: string | undefined): Promise<void> {
  const cacheDir = path.resolve('.zeebe');
  const say = (m: string) => console.log(`[engine] ${m}`);
  const home = await ensureZeebeDistribution(cacheDir, undefined, say);
  say(`Zeebe distribution: ${home}`);
  if (cmd === 'build-exporter' || cmd === 'fetch') {
    const java = findJavaHome(21);
    say(`JDK ${java.major}: ${java.home}`);
    const jar = await buildExporter({ zeebeHome: home, javaHome: java.home, outDir: path.join(cacheDir, 'exporter') });
    say(`history exporter: ${jar}`);
    if (cmd === 'build-exporter') {
      // For a broker we do not start ourselves (ZEEBE_ADDRESS): the environment that loads our exporter.
      const db = jdbcFromUrl(readConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/eiso');
      say('Broker environment for an external Zeebe (set DATABASE_URL first):');
      for (const [k, v] of Object.entries(exporterEnv({ jarPath: jar, ...db }))) console.log(`${k}=${k.endsWith('PASSWORD') ? '<password>' : v}`);
    }
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
