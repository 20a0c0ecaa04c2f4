import type { EngineContribution } from '../../engine/runtime.js';

/** Procedure catalogue and process sheets: nothing runs for the engine. */
export const procedures: EngineContribution = { name: 'procedures' };
