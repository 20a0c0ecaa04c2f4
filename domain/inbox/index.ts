import type { EngineContribution } from '../../engine/runtime.js';
import { everyMs } from '../../engine/runtime.js';
import { userTaskJob } from './jobs/user-task.js';
import { retryStuckCompletions } from './completion.js';
import { retryPendingSendBacks } from './send-back.js';
import { publishInboxChange } from './live.js';

/**
 * The inbox: the bridge that puts every user task in PostgreSQL, the sweeps that re-send completions
 * and send-backs an engine outage left pending, and cancelled tasks leaving every open inbox at once.
 */
export const inbox: EngineContribution = {
  name: 'inbox',
  workers: [userTaskJob],
  background: [
    everyMs('pending task completions sent', 5000, ({ zeebe, db }) => retryStuckCompletions(zeebe, db)),
    everyMs('pending send-backs sent', 5000, ({ zeebe, db }) => retryPendingSendBacks(zeebe, db)),
  ],
  onProjected: async (e, { db }) => {
    await publishInboxChange(db, 'cancelled', e.cancelledJobKeys);
    await publishInboxChange(db, 'renamed', e.renamedJobKeys ?? []);
  },
};
