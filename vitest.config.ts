import { defineConfig } from 'vitest/config';
import ClockLastSequencer from './test/sequencer.js';

/**
 * Two lanes. `unit` (test/unit/): no broker, no database, no browser; seconds (npm run test:unit).
 * `integration` (every other test file): one real broker and one real PostgreSQL serve the whole run
 * (test/global-setup.ts), files one at a time on 2 cores, the clock files last. `npm test` runs both.
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
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          fileParallelism: false,
          pool: 'forks',
          testTimeout: 60_000,
          // Every file submits from 127.0.0.1 into one database: the daily quota per address would refuse the
          // later files. test/hostile-public.test.ts sets its own quota and performs that attack.
          env: { ONESTOP_SUBMISSIONS_PER_DAY: '0' },
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
