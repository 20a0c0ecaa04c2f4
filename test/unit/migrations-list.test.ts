import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { migrationSource } from '../../migrations/index.js';
import { ROOT } from './imports.js';

/**
 * migrations/index.ts is a static list (the platform bundles no file scanner): a migration file that is
 * forgotten there would never run, on any database, and nothing else would notice.
 */
describe('migrations: the static list names every file', () => {
  it('lists each timestamped file of migrations/ once, under its file name, with up() and down()', async () => {
    const files = readdirSync(path.join(ROOT, 'migrations'))
      .filter((f) => /^[0-9]{14}_[a-z0-9_]+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    const listed = await migrationSource.getMigrations([]);
    expect(files.length).toBeGreaterThan(20);
    expect(listed).toEqual(files);
    for (const name of listed) {
      const m = await migrationSource.getMigration(name);
      expect(typeof m.up, name).toBe('function');
      expect(typeof m.down, name).toBe('function');
    }
  });
});
