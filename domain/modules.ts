import type { EngineContribution } from '../engine/runtime.js';
import { org } from './org/index.js';
import { inbox } from './inbox/index.js';
import { notifications } from './notifications/index.js';
import { deadlines } from './deadlines/index.js';
import { procedures } from './procedures/index.js';
import { audit } from './audit/index.js';
import { onestop } from './onestop/index.js';
import { iso } from './iso/index.js';
import { forecast } from './forecast/index.js';
import { legal } from './legal/index.js';

/**
 * The business modules in layer order: a module imports only modules before it in this list
 * (test/unit/architecture.test.ts). The composition root (api/platform.ts) hands them to the engine
 * runtime, which starts what they declare.
 */
export const DOMAIN_MODULES: readonly EngineContribution[] = [org, inbox, notifications, deadlines, procedures, audit, onestop, iso, forecast, legal];
