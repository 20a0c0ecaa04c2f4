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
/** The one-stop service tasks (processes/ONESTOP.md), spelled out for the same reason. */
export const ONESTOP_JOB_TYPES = [
  'onestop-status',
  'onestop-supplement-request',
  'onestop-supplement-resume',
  'onestop-transfer',
  'onestop-transfer-return',
  'onestop-result',
  'onestop-returned',
] as const;

export const WORKER_JOB_TYPES: readonly string[] = [
  USER_TASK_JOB_TYPE,
  NOTIFY_CITIZEN_JOB_TYPE,
  // Deadlines (engine/workers/eiso-step-reminder.ts, eiso-step-escalate.ts), spelled out for the same reason.
  'eiso-step-reminder',
  'eiso-step-escalate',
  // One-stop dossiers (engine/workers/onestop-*.ts, contract in processes/ONESTOP.md).
  ...ONESTOP_JOB_TYPES,
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
    jobType: NOTIFY_CITIZEN_JOB_TYPE,
    name: 'Thông báo cho công dân',
    nameEn: 'Notify the citizen',
    description:
      'Gửi thông báo trong ứng dụng cho người nộp hồ sơ (biến recipient, mặc định nguoiNop); tiêu đề và nội dung lấy từ header eiso.subject / eiso.message, {{bien}} được thay bằng giá trị biến / Sends an in-app notification to the applicant',
    element: 'bpmn:SendTask',
    inputs: ['recipient', 'nguoiNop', 'maHoSo', 'header:eiso.subject', 'header:eiso.message'],
  },
  {
    jobType: 'onestop-status',
    name: 'Cập nhật trạng thái hồ sơ một cửa',
    nameEn: 'Set the one-stop dossier status',
    description: 'Đặt trạng thái hồ sơ (header onestop.status, ví dụ IN_PROCESSING, PENDING_APPROVAL), ghi sự kiện (onestop.event) và báo cho công dân; biến lyDo là ghi chú / Sets the dossier status, writes the event, notifies the citizen',
    element: 'bpmn:ServiceTask',
    inputs: ['lyDo', 'header:onestop.status', 'header:onestop.event', 'header:onestop.step', 'header:onestop.unit'],
  },
  {
    jobType: 'onestop-supplement-request',
    name: 'Yêu cầu bổ sung hồ sơ (tạm dừng)',
    nameEn: 'Request a supplement (pause the clock)',
    description: 'Tạm dừng thời hạn, gửi cho công dân đường dẫn bổ sung; tiếp theo là sự kiện nhận thông điệp onestop-supplement (khóa =dossierCode) / Pauses the clock and sends the citizen the supplement link',
    element: 'bpmn:ServiceTask',
    inputs: ['lyDoBoSung'],
  },
  {
    jobType: 'onestop-supplement-resume',
    name: 'Tiếp tục sau khi bổ sung',
    nameEn: 'Resume after the supplement',
    description: 'Tiếp tục tính thời hạn, dời ngày hẹn trả theo thời gian tạm dừng / Resumes the clock; the appointment moves by the paused time',
    element: 'bpmn:ServiceTask',
    inputs: [],
  },
  {
    jobType: 'onestop-transfer',
    name: 'Chuyển liên thông',
    nameEn: 'Transfer to another agency',
    description: 'Chuyển hồ sơ sang cơ quan phối hợp (header onestop.transferTo) với thời hạn riêng (eiso.timeLimit, ngày làm việc) / Opens an inter-agency leg with its own time budget',
    element: 'bpmn:ServiceTask',
    inputs: ['header:onestop.transferTo', 'header:eiso.timeLimit'],
  },
  {
    jobType: 'onestop-transfer-return',
    name: 'Nhận lại từ cơ quan phối hợp',
    nameEn: 'Back from the other agency',
    description: 'Đóng lượt liên thông đang mở (đúng hạn hay trễ hạn) / Closes the open inter-agency leg',
    element: 'bpmn:ServiceTask',
    inputs: [],
  },
  {
    jobType: 'onestop-result',
    name: 'Ban hành kết quả',
    nameEn: 'Issue the result',
    description: 'Ghi ngày có kết quả; biến ketQua = cap / khong-cap (lyDoKhongCap) / Records the result date; ketQua = cap or khong-cap',
    element: 'bpmn:ServiceTask',
    inputs: ['ketQua', 'lyDoKhongCap'],
  },
  {
    jobType: 'onestop-returned',
    name: 'Đã trả kết quả',
    nameEn: 'Result returned',
    description: 'Ghi ngày trả kết quả và hình thức (biến hinhThucTra = tai-quay / buu-chinh), gửi đường dẫn đánh giá / Records the return and sends the evaluation link',
    element: 'bpmn:ServiceTask',
    inputs: ['hinhThucTra'],
  },
];
