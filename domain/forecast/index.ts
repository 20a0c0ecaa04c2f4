import type { EngineContribution } from '../../engine/runtime.js';

/** The lateness forecast of open dossiers: computed on request from the history; nothing runs for the engine. */
export const forecast: EngineContribution = { name: 'forecast' };
