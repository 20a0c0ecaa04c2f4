import type { EngineContribution } from '../../engine/runtime.js';

/**
 * A law change reaching running dossiers (issue 20, item 1): the migration plan of an old version to a
 * new one and its execution through Zeebe's process instance migration. Nothing runs for the engine.
 */
export const legal: EngineContribution = { name: 'legal' };
