import type { EngineContribution } from '../../engine/runtime.js';
import { everyMs } from '../../engine/runtime.js';
import { isoRegisterJob } from './jobs/register.js';
import { ISO_STARTED, onIsoStarted } from './start.js';
import { isoSweep } from './sweep.js';

/**
 * ISO registers: the service task that writes a process's outcome into its register, the instance key
 * put on a record once its start is done, and the sweep that opens nonconformities for late cases and
 * starts processes for records left without one.
 */
export const iso: EngineContribution = {
  name: 'iso',
  workers: [isoRegisterJob],
  continuations: { [ISO_STARTED]: onIsoStarted },
  background: [
    everyMs('ISO sweep: nonconformities opened or processes started', 5 * 60_000, async ({ db, zeebe }) => {
      const r = await isoSweep(db, zeebe);
      return r.lateCases + r.started;
    }),
  ],
};
