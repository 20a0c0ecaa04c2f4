import { defineConfig } from 'vitest/config';
import ClockLastSequencer from './test/sequencer.js';

/**
 * Integration files that cannot share the broker and the database with other files running at the same
 * time: they run after the parallel group, one at a time.
 * - the clock files move the broker's controlled clock forward for good (last, test/sequencer.ts);
 * - outages: the file's platform is cut off from the broker or the database through a proxy, and its
 *   assertions rely on no other platform's workers or outbox relay doing that platform's work meanwhile;
 * - quotas counted over the whole database (submissions per address and day) or process-wide settings
 *   of the workers and relay (OUTBOX_GRACE_MS);
 * - global comparisons (replaying the whole exported stream). The "nothing changed" files
 *   (variable-binding, bad-input, hostile-openapi) compare only the rows their own users, units, records
 *   and instances could have set off, and run in parallel;
 * - the audit chain: files that tamper with it as a DBA would (and repair it), and files that verify the
 *   whole chain (they would see another file's tampering);
 * - the national working calendar, which every due date reads.
 * Found by running everything in parallel (bench/results/ci-time.md).
 */
export const SERIAL = [
  'test/*.clock.test.ts',
  'test/db-outage.test.ts',
  'test/engine-outage.test.ts',
  'test/outbox.test.ts',
  'test/task-view.test.ts',
  'test/hostile-public.test.ts',
  'test/history.test.ts',
  'test/audit-case-index.test.ts',
  'test/audit.test.ts',
  'test/audit-keyed.test.ts',
  'test/audit-writes.test.ts',
  'test/throughput.test.ts',
  // publishes a new version of a shipped ISO process, which every file starting it would then run
  'test/iso-published-version.test.ts',
  // the national working calendar is shared by every file (due dates): the files that change it, and the
  // one that compares the whole calendar before and after refused changes
  'test/calendar-api.test.ts',
  'test/calendar.browser.test.ts',
  // the fixed demo accounts (npm start's), which test/demo-seed.test.ts expects absent
  'test/demo-fill.test.ts',
  // (test/demo-fill.browser.test.ts, npm start --demo itself, runs among the integration files: it starts its
  // own embedded database, broker and server, touches nothing of the run's, and, the longest file, starts first)
];

const integration = {
  globalSetup: ['test/global-setup.ts'],
  pool: 'forks' as const,
  // A worker process runs its files one after another with the modules it already loaded: each file still
  // starts its own platform (its own pools, workers, listeners), but no longer imports Fastify, knex, the
  // SDK and our modules again (about 3.6 s of CPU per file, bench/results/ci-time.md).
  isolate: false,
  testTimeout: 60_000,
  hookTimeout: 240_000,
  // Every file submits from 127.0.0.1 into one database: the daily quota per address would refuse the
  // later files. test/hostile-public.test.ts sets its own quota and performs that attack.
  // A job of an instance no record is bound to ends in an incident after three tries: 0.5 s wait and 0.3 s
  // backoff instead of 1.5 s and 2 s (test/variable-binding.test.ts waits for those incidents).
  env: { ONESTOP_SUBMISSIONS_PER_DAY: '0', JOB_UNBOUND_WAIT_MS: '500', JOB_UNBOUND_BACKOFF_MS: '300' },
};

/**
 * Three lanes. `unit` (test/unit/): no broker, no database, no browser; seconds (npm run test:unit).
 * `integration` (every other test file but SERIAL): one real broker and one real PostgreSQL serve the
 * whole run (test/global-setup.ts), several files at a time, each with its own users, units and process
 * ids. `serial` (SERIAL): on the same broker and database after `integration`, one file at a time, the
 * clock files last. `npm test` runs all three.
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    // A run-wide option (a project's own `sequence.sequencer` is not used): the clock files run last.
    sequence: { sequencer: ClockLastSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          testTimeout: 10_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**', ...SERIAL],
          fileParallelism: true,
          maxWorkers: Number(process.env.TEST_INTEGRATION_WORKERS ?? 2),
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...integration,
          name: 'serial',
          include: SERIAL,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
