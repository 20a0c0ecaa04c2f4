import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { hash } from '@node-rs/argon2';
import { seedDemo } from '../../api/demo.js';

/**
 * The demo accounts as `npm start` makes them, with a password the test knows for each: seedDemo prints
 * the new ones; an account an earlier file of the same database made gets a fresh password here.
 */
export async function demoAccounts(db: Knex): Promise<{ dataDir: string; passwords: Map<string, string> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eiso-demo-fill-'));
  const passwords = new Map<string, string>();
  for (const u of await seedDemo(db, dataDir)) {
    let pw = u.password;
    if (!pw) {
      pw = `Demo-test-${Math.random().toString(16).slice(2, 10)}`;
      await db('users')
        .where({ username: u.username })
        .update({ password_hash: await hash(pw) });
    }
    passwords.set(u.username, pw);
  }
  return { dataDir, passwords };
}
