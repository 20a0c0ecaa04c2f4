import type { EngineContribution } from '../../engine/runtime.js';
import { checkpointFileOf } from '../../lib/config.js';
import { CASE_START_DONE, onCaseStarted } from './case-start.js';
import { currentAuditKeys } from './chain.js';
import { startCheckpoints } from './checkpoints.js';
import { startPartitionMaintenance } from './partitions.js';

/**
 * Audit: the log entry of a case started through the API, the monthly partitions created months ahead,
 * and the signed checkpoints of the chain.
 */
export const audit: EngineContribution = {
  name: 'audit',
  continuations: { [CASE_START_DONE]: onCaseStarted },
  background: [
    { name: 'partition maintenance', start: ({ db, log }) => startPartitionMaintenance(db, log) },
    {
      name: 'audit checkpoints',
      start: ({ db, log, config }) => {
        const keys = currentAuditKeys();
        return keys ? startCheckpoints(db, checkpointFileOf(config), keys, config.auditCheckpointEveryMin, log) : () => {};
      },
    },
  ],
};
