import type { Knex } from 'knex';

/**
 * Sign-in throttling (replaces the account lockout, which let anyone keep any account locked and told
 * which usernames exist). Failed attempts are counted under three keys, for known and unknown names
 * alike:
 * - `pair:<username>|<address>`: one guesser against one account; after `pairFree` failures each
 *   further failure closes the pair for 1 s, 2 s, 4 s, … up to `maxDelaySeconds`;
 * - `ip:<address>`: one address trying many names; the same after `ipFree` failures;
 * - `user:<username>`: many addresses against one account; the same after `userFree` failures.
 * A refused attempt (429) is not counted and checks no password. The address and username keys do not
 * apply to a pair that signed in successfully within `trustDays` (the owner at their usual computer
 * keeps working while others hammer the name or share the address); the pair key always applies.
 * Counts are forgotten `forgetMinutes` after the last failure. A success clears its pair key only.
 */
export { DEFAULT_THROTTLE, type ThrottlePolicy } from '../../lib/config.js';
import type { ThrottlePolicy } from '../../lib/config.js';

interface Keys {
  pair: string;
  ip: string;
  user: string;
}

export function throttleKeys(username: string, address: string): Keys {
  return { pair: `pair:${username}|${address}`, ip: `ip:${address}`, user: `user:${username}` };
}

interface Row {
  key: string;
  failures: number;
  blocked_until: Date | null;
  last_success_at: Date | null;
}

/** Seconds until this username may be tried again from this address; 0 = now. */
export async function throttleWait(db: Knex, username: string, address: string, policy: ThrottlePolicy, now = new Date()): Promise<number> {
  const keys = throttleKeys(username, address);
  const rows: Row[] = await db('login_throttle').whereIn('key', [keys.pair, keys.ip, keys.user]).select('key', 'failures', 'blocked_until', 'last_success_at');
  const pair = rows.find((r) => r.key === keys.pair);
  const trusted = Boolean(pair?.last_success_at && now.getTime() - pair.last_success_at.getTime() < policy.trustDays * 86_400_000);
  let wait = 0;
  for (const r of rows) {
    if (trusted && r.key !== keys.pair) continue;
    if (r.blocked_until && r.blocked_until.getTime() > now.getTime()) wait = Math.max(wait, Math.ceil((r.blocked_until.getTime() - now.getTime()) / 1000));
  }
  return wait;
}

/** Counts one failed attempt under the three keys (one statement each, safe under concurrency). */
export async function recordLoginFailure(db: Knex, username: string, address: string, policy: ThrottlePolicy): Promise<void> {
  const keys = throttleKeys(username, address);
  const free: [string, number][] = [
    [keys.pair, policy.pairFree],
    [keys.ip, policy.ipFree],
    [keys.user, policy.userFree],
  ];
  for (const [key, allowed] of free) {
    await db.raw(
      `INSERT INTO login_throttle AS t (key, failures, last_failure_at, blocked_until)
         VALUES (:key, 1, now(), CASE WHEN 1 > :allowed THEN now() + make_interval(secs => 1) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.last_failure_at IS NULL OR t.last_failure_at < now() - make_interval(mins => :forget) THEN 1 ELSE t.failures + 1 END,
         last_failure_at = now(),
         blocked_until = CASE
           WHEN (CASE WHEN t.last_failure_at IS NULL OR t.last_failure_at < now() - make_interval(mins => :forget) THEN 1 ELSE t.failures + 1 END) > :allowed
           THEN now() + make_interval(secs => least(CAST(:max AS float8), power(2, least(30, (CASE WHEN t.last_failure_at IS NULL OR t.last_failure_at < now() - make_interval(mins => :forget) THEN 1 ELSE t.failures + 1 END) - :allowed - 1))))
           ELSE t.blocked_until END`,
      { key, allowed, forget: policy.forgetMinutes, max: policy.maxDelaySeconds },
    );
  }
}

/** A successful sign-in: the pair's count is cleared and the pair is trusted from now on. */
export async function recordLoginSuccess(db: Knex, username: string, address: string): Promise<void> {
  const { pair } = throttleKeys(username, address);
  await db.raw(
    `INSERT INTO login_throttle AS t (key, failures, last_success_at) VALUES (?, 0, now())
     ON CONFLICT (key) DO UPDATE SET failures = 0, blocked_until = NULL, last_success_at = now()`,
    [pair],
  );
}

/** Drops counts nobody needs any more (called now and then by the sign-in route). */
export async function pruneLoginThrottle(db: Knex, policy: ThrottlePolicy): Promise<void> {
  await db('login_throttle')
    .where('last_failure_at', '<', db.raw(`now() - make_interval(mins => ?)`, [policy.forgetMinutes]))
    .andWhere((w) => w.whereNull('blocked_until').orWhere('blocked_until', '<', db.raw('now()')))
    .andWhere((w) => w.whereNull('last_success_at').orWhere('last_success_at', '<', db.raw(`now() - make_interval(days => ?)`, [policy.trustDays])))
    .delete();
}
