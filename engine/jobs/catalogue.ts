/**
 * The only place a job type is spelled. Every worker (domain/<module>/jobs/*.ts) takes its type from
 * here, the deadline pattern and validation read the same constants, and the engine runtime refuses to
 * start unless every type below has exactly one worker declared by a module. This file imports nothing
 * with runtime dependencies: the modeler imports it in the browser.
 */
export const JOB_TYPES = {
  /** job-based user tasks (domain/inbox/jobs/user-task.ts) */
  userTask: 'io.camunda.zeebe:userTask',
  /** in-app notice to the applicant (domain/notifications/jobs/notify-citizen.ts) */
  notifyCitizen: 'notify-citizen',
  /** deadlines (domain/deadlines/jobs/*.ts): start listener of a human step, its reminder and escalation */
  stepDeadline: 'eiso-step-deadline',
  stepReminder: 'eiso-step-reminder',
  stepEscalate: 'eiso-step-escalate',
  /** start and end listeners of the process: the case's appointment and on-time flag */
  caseDeadline: 'eiso-case-deadline',
  caseFinish: 'eiso-case-finish',
  /** one-stop dossiers (domain/onestop/jobs/*.ts, contract in processes/ONESTOP.md) */
  onestopStatus: 'onestop-status',
  onestopSupplementRequest: 'onestop-supplement-request',
  onestopSupplementResume: 'onestop-supplement-resume',
  onestopTransfer: 'onestop-transfer',
  onestopTransferReturn: 'onestop-transfer-return',
  onestopResult: 'onestop-result',
  onestopReturned: 'onestop-returned',
  /** ISO registers (domain/iso/jobs/register.ts) */
  isoRegister: 'iso-register',
} as const;

export const USER_TASK_JOB_TYPE = JOB_TYPES.userTask;

/** The one-stop service tasks (processes/ONESTOP.md). */
export const ONESTOP_JOB_TYPES = [
  JOB_TYPES.onestopStatus,
  JOB_TYPES.onestopSupplementRequest,
  JOB_TYPES.onestopSupplementResume,
  JOB_TYPES.onestopTransfer,
  JOB_TYPES.onestopTransferReturn,
  JOB_TYPES.onestopResult,
  JOB_TYPES.onestopReturned,
] as const;

/**
 * Job types of execution listeners the platform serves: the start listener of every human step computes
 * its due dates, the process start and end listeners keep the case's appointment and on-time flag. See
 * engine/README.md "Due dates".
 */
export const LISTENER_JOB_TYPES: readonly string[] = [JOB_TYPES.stepDeadline, JOB_TYPES.caseDeadline, JOB_TYPES.caseFinish];

/**
 * Every job type of a task or throw event the platform runs a worker for. Validation refuses a model
 * whose service/send task or throw event names a job type outside this list: such a step would wait
 * forever. The contract test checks both directions against processes/*.bpmn and AUTOMATED_STEP_TEMPLATES.
 */
export const WORKER_JOB_TYPES: readonly string[] = Object.values(JOB_TYPES).filter((t) => !LISTENER_JOB_TYPES.includes(t));

/** The timer steps of the deadline pattern (engine/deadline-pattern.ts). */
export const DEADLINE_STEP_JOB_TYPES: ReadonlySet<string> = new Set([JOB_TYPES.stepReminder, JOB_TYPES.stepEscalate]);

export interface AutomatedStepTemplate {
  jobType: string;
  name: string;
  nameEn: string;
  description: string;
  element: 'bpmn:ServiceTask' | 'bpmn:SendTask';
  /**
   * Process variables (or task headers, "header:<key>") the worker reads. The one-stop dossier is not
   * one of them: it is the dossier reception bound to the (root) instance (engine/process-binding.ts).
   */
  inputs: string[];
}

/**
 * Ready-made automated steps the modeler offers in its palette. Only job types with a real worker
 * are offered (compute-deadline comes with the business calendar, issue the receipt slip later).
 */
export const AUTOMATED_STEP_TEMPLATES: readonly AutomatedStepTemplate[] = [
  {
    jobType: JOB_TYPES.notifyCitizen,
    name: 'Thông báo cho công dân',
    nameEn: 'Notify the citizen',
    description:
      'Gửi thông báo trong ứng dụng cho người nộp hồ sơ (biến recipient, mặc định nguoiNop); tiêu đề và nội dung lấy từ header eiso.subject / eiso.message, {{bien}} được thay bằng giá trị biến / Sends an in-app notification to the applicant',
    element: 'bpmn:SendTask',
    inputs: ['recipient', 'nguoiNop', 'maHoSo', 'header:eiso.subject', 'header:eiso.message'],
  },
  {
    jobType: JOB_TYPES.onestopStatus,
    name: 'Cập nhật trạng thái hồ sơ một cửa',
    nameEn: 'Set the one-stop dossier status',
    description:
      'Đặt trạng thái hồ sơ (header onestop.status, ví dụ IN_PROCESSING, PENDING_APPROVAL), ghi sự kiện (onestop.event) và báo cho công dân; biến lyDo là ghi chú / Sets the dossier status, writes the event, notifies the citizen',
    element: 'bpmn:ServiceTask',
    inputs: ['lyDo', 'header:onestop.status', 'header:onestop.event', 'header:onestop.step', 'header:onestop.unit'],
  },
  {
    jobType: JOB_TYPES.onestopSupplementRequest,
    name: 'Yêu cầu bổ sung hồ sơ (tạm dừng)',
    nameEn: 'Request a supplement (pause the clock)',
    description:
      'Tạm dừng thời hạn, gửi cho công dân đường dẫn bổ sung; tiếp theo là sự kiện nhận thông điệp onestop-supplement (khóa =dossierCode) / Pauses the clock and sends the citizen the supplement link',
    element: 'bpmn:ServiceTask',
    inputs: ['lyDoBoSung'],
  },
  {
    jobType: JOB_TYPES.onestopSupplementResume,
    name: 'Tiếp tục sau khi bổ sung',
    nameEn: 'Resume after the supplement',
    description: 'Tiếp tục tính thời hạn, dời ngày hẹn trả theo thời gian tạm dừng / Resumes the clock; the appointment moves by the paused time',
    element: 'bpmn:ServiceTask',
    inputs: [],
  },
  {
    jobType: JOB_TYPES.onestopTransfer,
    name: 'Chuyển liên thông',
    nameEn: 'Transfer to another agency',
    description:
      'Chuyển hồ sơ sang cơ quan phối hợp (header onestop.transferTo) với thời hạn riêng (eiso.timeLimit, ngày làm việc) / Opens an inter-agency leg with its own time budget',
    element: 'bpmn:ServiceTask',
    inputs: ['header:onestop.transferTo', 'header:eiso.timeLimit'],
  },
  {
    jobType: JOB_TYPES.onestopTransferReturn,
    name: 'Nhận lại từ cơ quan phối hợp',
    nameEn: 'Back from the other agency',
    description: 'Đóng lượt liên thông đang mở (đúng hạn hay trễ hạn) / Closes the open inter-agency leg',
    element: 'bpmn:ServiceTask',
    inputs: [],
  },
  {
    jobType: JOB_TYPES.onestopResult,
    name: 'Ban hành kết quả',
    nameEn: 'Issue the result',
    description: 'Ghi ngày có kết quả; biến ketQua = cap / khong-cap (lyDoKhongCap) / Records the result date; ketQua = cap or khong-cap',
    element: 'bpmn:ServiceTask',
    inputs: ['ketQua', 'lyDoKhongCap'],
  },
  {
    jobType: JOB_TYPES.onestopReturned,
    name: 'Đã trả kết quả',
    nameEn: 'Result returned',
    description:
      'Ghi ngày trả kết quả và hình thức (biến hinhThucTra = tai-quay / buu-chinh), gửi đường dẫn đánh giá / Records the return and sends the evaluation link',
    element: 'bpmn:ServiceTask',
    inputs: ['hinhThucTra'],
  },
];
