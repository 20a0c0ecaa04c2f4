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
    hookTimeout: 240_000,
    reporters: ['default'],
    sequence: { sequencer: ClockLastSequencer },
  },
});
