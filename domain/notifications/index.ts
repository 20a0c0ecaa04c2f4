import type { EngineContribution } from '../../engine/runtime.js';
import { notifyCitizenJob } from './jobs/notify-citizen.js';

/** Notifications: the send task that leaves the applicant an in-app notice. */
export const notifications: EngineContribution = {
  name: 'notifications',
  workers: [notifyCitizenJob],
};
