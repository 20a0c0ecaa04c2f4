import { defineConfig } from 'vitest/config';
import ClockLastSequencer from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // One real broker and one real PostgreSQL serve the whole run; on 2 cores files run one at a time.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    // Every file submits from 127.0.0.1 into one database: the daily quota per address would refuse the
    // later files. test/hostile-public.test.ts sets its own quota and performs that attack.
    env: { ONESTOP_SUBMISSIONS_PER_DAY: '0' },
    hookTimeout: 240_000,
    reporters: ['default'],
    sequence: { sequencer: ClockLastSequencer },
  },
});
