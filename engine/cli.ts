import path from 'node:path';
import { ensureZeebeDistribution } from './distribution.js';
import { findJavaHome } from './java.js';
import { buildExporter } from './exporter/index.js';

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
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
