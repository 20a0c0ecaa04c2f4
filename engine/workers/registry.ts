import { NOTIFY_CITIZEN_JOB_TYPE } from './notify-citizen.js';

/**
 * Job-based user tasks (worker: user-task-inbox.ts, which exports the same constant). Spelled out here
 * so that this file imports nothing with runtime dependencies: the modeler may import it in the browser.
 */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

/**
 * Every job type the platform runs a worker for (engine/runtime.ts starts one per type). Validation
 * refuses a model whose service/send task or throw event names a job type outside this list: such a
 * step would wait forever. The contract test checks both directions against processes/*.bpmn and
 * AUTOMATED_STEP_TEMPLATES.
 */
export const WORKER_JOB_TYPES: readonly string[] = [
  USER_TASK_JOB_TYPE,
  NOTIFY_CITIZEN_JOB_TYPE,
  // Deadlines (engine/workers/eiso-step-reminder.ts, eiso-step-escalate.ts), spelled out for the same reason.
  'eiso-step-reminder',
  'eiso-step-escalate',
  // ISO registers (engine/workers/iso-register.ts), spelled out for the same reason.
  'iso-register',
];

/**
 * Job types of execution listeners the platform serves (engine/workers/eiso-*.ts of the same name):
 * the start listener of every human step computes its due dates, the process start and end
 * listeners keep the case's appointment and on-time flag. See engine/README.md "Due dates".
 */
export const LISTENER_JOB_TYPES: readonly string[] = ['eiso-step-deadline', 'eiso-case-deadline', 'eiso-case-finish'];

export interface AutomatedStepTemplate {
  jobType: string;
  name: string;
  nameEn: string;
  description: string;
  element: 'bpmn:ServiceTask' | 'bpmn:SendTask';
  /** Process variables (or task headers, "header:<key>") the worker reads. */
  inputs: string[];
}

/**
 * Ready-made automated steps the modeler offers in its palette. Only job types with a real worker
 * are offered (compute-deadline comes with the business calendar, issue the receipt slip later).
 */
export const AUTOMATED_STEP_TEMPLATES: readonly AutomatedStepTemplate[] = [
  {
    jobType: NOTIFY_CITIZEN_JOB_TYPE,
    name: 'Thông báo cho công dân',
    nameEn: 'Notify the citizen',
    description:
      'Gửi thông báo trong ứng dụng cho người nộp hồ sơ (biến recipient, mặc định nguoiNop); tiêu đề và nội dung lấy từ header eiso.subject / eiso.message, {{bien}} được thay bằng giá trị biến / Sends an in-app notification to the applicant',
    element: 'bpmn:SendTask',
    inputs: ['recipient', 'nguoiNop', 'maHoSo', 'header:eiso.subject', 'header:eiso.message'],
  },
];
