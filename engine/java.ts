import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { currentConfig } from '../lib/config.js';

/** Major version of the JDK/JRE at `home`: its `release` file, else what `java -version` prints. */
export function javaMajorVersion(home: string): number {
  const release = path.join(home, 'release');
  if (existsSync(release)) {
    const m = /JAVA_VERSION="([^"]+)"/.exec(readFileSync(release, 'utf8'));
    if (m) return parseMajor(`version "${m[1]}"`);
  }
  const r = spawnSync(path.join(home, 'bin', 'java'), ['-version'], { encoding: 'utf8' });
  return parseMajor(`${r.stdout ?? ''}${r.stderr ?? ''}`);
}

function parseMajor(text: string): number {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return 0;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

/**
 * A JDK >= 21 for Zeebe 8.6: JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.
 * Throws with a message an operator can act on.
 */
export function findJavaHome(minMajor = 21, javaHome: string | undefined = currentConfig().javaHome): { home: string; major: number } {
  const fromEnv = javaHome;
  if (fromEnv && existsSync(path.join(fromEnv, 'bin', 'java'))) {
    const major = javaMajorVersion(fromEnv);
    if (major >= minMajor) return { home: fromEnv, major };
  }
  const root = '/usr/lib/jvm';
  const candidates = existsSync(root)
    ? readdirSync(root)
        .map((name) => path.join(root, name))
        .filter((home) => existsSync(path.join(home, 'bin', 'javac')) || existsSync(path.join(home, 'bin', 'java')))
        .map((home) => ({ home, major: javaMajorVersion(home) }))
        .filter((c) => c.major >= minMajor)
        .sort((a, b) => b.major - a.major)
    : [];
  const best = candidates[0];
  if (!best) {
    throw new Error(
      `Zeebe needs Java ${minMajor}+; JAVA_HOME=${fromEnv ?? '(unset)'} is older and none was found under ${root}. Install a JDK ${minMajor}+ and set JAVA_HOME.`,
    );
  }
  return best;
}

/** JVM flags that a JDK >= 24 needs for Zeebe's native and Unsafe users (Agrona, Netty, RocksDB). */
export function modernJvmFlags(major: number): string[] {
  return major >= 24 ? ['--sun-misc-unsafe-memory-access=allow', '--enable-native-access=ALL-UNNAMED'] : [];
}
