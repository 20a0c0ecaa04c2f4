import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { currentConfig } from '../lib/config.js';

const run = promisify(execFile);

export const ZEEBE_VERSION = '8.6.0';
/** Pinned: Maven 3.8's default maven-dependency-plugin (2.8) cannot copy an artifact by coordinates. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * Returns the home of an extracted Zeebe distribution, downloading `io.camunda:camunda-zeebe:<v>:tar.gz`
 * from Maven Central with mvn (cached in ~/.m2 and in `cacheDir`) the first time.
 * ZEEBE_HOME, when set, is used as it is.
 */
export async function ensureZeebeDistribution(cacheDir: string, version = ZEEBE_VERSION, log: (m: string) => void = () => {}): Promise<string> {
  const given = currentConfig().zeebeHome;
  if (given) return given;
  const home = path.join(cacheDir, `camunda-zeebe-${version}`);
  if (existsSync(path.join(home, 'bin', 'broker'))) return home;
  mkdirSync(cacheDir, { recursive: true });
  const archive = path.join(cacheDir, `camunda-zeebe-${version}.tar.gz`);
  if (!existsSync(archive)) {
    log(`Downloading Zeebe ${version} from Maven Central (about 300 MB, once)...`);
    try {
      await run(
        'mvn',
        [
          '-B',
          '-q',
          `${DEPENDENCY_PLUGIN}:copy`,
          `-Dartifact=io.camunda:camunda-zeebe:${version}:tar.gz`,
          `-DoutputDirectory=${cacheDir}`,
          '-Dmdep.overWriteIfNewer=true',
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `Could not download Zeebe ${version} with Maven (is mvn installed and Maven Central reachable?): ${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`,
      );
    }
  }
  log(`Extracting ${path.basename(archive)}...`);
  await run('tar', ['-xzf', archive, '-C', cacheDir]);
  if (!existsSync(path.join(home, 'bin', 'broker'))) {
    throw new Error(`The Zeebe archive did not contain ${home}/bin/broker (found: ${readdirSync(cacheDir).join(', ')})`);
  }
  return home;
}
