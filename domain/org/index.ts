import type { EngineContribution } from '../../engine/runtime.js';

/** Organisation (units, users, roles, sign-in): nothing runs for the engine. */
export const org: EngineContribution = { name: 'org' };
