import type { EngineContribution } from '../../engine/runtime.js';
import { stepDeadlineJob } from './jobs/step-deadline.js';
import { stepEscalateJob, stepReminderJob } from './jobs/step-timers.js';
import { caseDeadlineJob } from './jobs/case-deadline.js';
import { caseFinishJob } from './jobs/case-finish.js';

/** Deadlines on the working calendar: the listeners that compute due dates, the reminder and escalation steps. */
export const deadlines: EngineContribution = {
  name: 'deadlines',
  workers: [stepDeadlineJob, stepReminderJob, stepEscalateJob, caseDeadlineJob, caseFinishJob],
};
