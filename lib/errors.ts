/**
 * What the API answers when it refuses: a stable code (UPPER_SNAKE) with the values it names (params).
 * The web shows the code's text in the reader's language (web/src/i18n/errors.ts, same placeholders);
 * `message` (Vietnamese / English) stays for API clients and logs. Framework-free: api/plugins/errors.ts
 * maps a DomainError to its HTTP answer { statusCode, code, params, error, message }.
 */

/** The values a message names: shown in the code's text through {{name}} placeholders. */
export type ErrorParams = Record<string, string | number>;

/**
 * Every code the server can answer, with the names of its params. A code's texts in
 * web/src/i18n/errors.ts use exactly these placeholders (test/unit/error-codes.test.ts).
 */
export const ERROR_CODES = {
  ACCOUNT_INACTIVE: [],
  APOLOGY_APPROVER_ONLY: [],
  APOLOGY_DRAFTER_ONLY: [],
  APOLOGY_NOT_APPROVED: [],
  APOLOGY_NOT_FOUND: [],
  APPLICANT_NAME_REQUIRED: [],
  AUDITOR_ALREADY_ASSIGNED: ['username', 'unit'],
  AUDITOR_READ_ONLY: [],
  AUDIT_SCOPE_NOT_FOUND: [],
  BPMN_ID_IN_USE: ['id'],
  BPMN_NO_PROCESS: [],
  CALENDAR_ENTRY_NOT_FOUND: ['id'],
  CALENDAR_UNIT_NO_SETTINGS: ['unit'],
  CASE_FILE_NOT_FOUND: [],
  CASE_HOLDER_ONLY_PAUSE: [],
  CASE_NOT_FOUND: ['key'],
  CASE_OUTSIDE_EXAMINED_UNITS: ['key'],
  CASE_OUTSIDE_UNIT: ['key'],
  COMMENT_EMPTY: [],
  CONCURRENT_CHANGE: [],
  CSV_CONTENT_TYPE: [],
  CSV_EMPTY: [],
  DOCUMENT_NOT_FOUND: ['id'],
  DOSSIER_FILE_NOT_FOUND: [],
  DOSSIER_NOT_FOUND: ['code'],
  DOSSIER_OUTSIDE_SCOPE: [],
  DOSSIER_OUTSIDE_UNIT: [],
  DRAFT_UNCHANGED: ['version'],
  ENGINE_UNAVAILABLE_QUEUED: [],
  ENGINE_UNAVAILABLE_RESULT_SAVED: [],
  ENGINE_UNAVAILABLE_SEND_BACK_SAVED: [],
  EXPORT_TOO_MANY_ROWS: ['max'],
  FILE_CONTENT_MISMATCH: ['ext'],
  FILE_CONTENT_TYPE: [],
  FILE_MISSING: [],
  FILE_TYPE_NOT_ALLOWED: ['allowed'],
  FORM_NOT_FOUND: ['key'],
  IDEMPOTENCY_KEY_REUSED: [],
  INSTANCE_NOT_FOUND: ['key'],
  INVALID_CHARACTER_NUL: [],
  INVALID_DATE: [],
  INVALID_NEW_DATE: [],
  ISO_RATE_TARGET_RANGE: [],
  LEADER_ONLY_ASSIGN: [],
  LEADER_ONLY_PEOPLE: [],
  LEADER_ONLY_UNIT_VIEW: [],
  NONCONFORMITY_NOT_FOUND: ['id'],
  NOTIFICATION_NOT_FOUND: ['id'],
  NOT_SIGNED_IN: [],
  ONESTOP_PROCEDURE_NOT_FOUND: ['code'],
  ONESTOP_STAFF_ONLY: [],
  PASSWORD_UNCHANGED: [],
  PASSWORD_WRONG: [],
  PERIOD_FROM_AFTER_TO: [],
  PERIOD_TOO_LONG: [],
  PROCEDURE_CREATE_INPUT: [],
  PROCEDURE_EXISTS: ['id'],
  PROCEDURE_NOT_FOUND: ['id'],
  PROCEDURE_VERSION_NOT_FOUND: ['version', 'id'],
  PROCESS_VERSION_RETIRED: ['version', 'id'],
  REASON_REQUIRED: [],
  ROLE_REQUIRED: ['roles'],
  SAVED_QUERY_NOT_FOUND: [],
  SESSION_ENDED: [],
  SLIP_NOT_YET: [],
  SLIP_RECEIVING_DESK_ONLY: [],
  STAFF_NOT_CITIZEN: [],
  STREAM_TICKET_INVALID: [],
  STRING_TOO_LONG: ['field', 'max'],
  SUBMISSION_TOO_LARGE: ['mb'],
  SUPPLEMENT_EMPTY: [],
  SUPPLEMENT_REASON_REQUIRED: [],
  TASK_CLAIMED_BY: ['by'],
  TASK_CLAIM_BEFORE_ATTACH: [],
  TASK_CLAIM_BEFORE_COMPLETE: [],
  TASK_CLOSED: [],
  TASK_CLOSED_NO_FILES: [],
  TASK_CLOSED_OR_SENDING_BACK: [],
  TASK_DONE: [],
  TASK_GONE: [],
  TASK_HOLDER_ONLY_SEND_BACK: [],
  TASK_HOLDER_ONLY_UNCLAIM: [],
  TASK_ID_CLOSED: ['id'],
  TASK_ID_OUTSIDE_UNIT: ['id'],
  TASK_MODEL_UNKNOWN: [],
  TASK_NOT_FOUND: ['id'],
  TASK_NOT_OFFERED: [],
  TASK_OUTSIDE_UNIT: [],
  TASK_UNASSIGNED: [],
  UNIT_NOT_AUDITED: ['unit'],
  UNIT_NOT_FOUND: ['unit'],
  UNIT_OUTSIDE_SCOPE: ['unit'],
  UNKNOWN_DOCUMENT_CODES: ['codes'],
  UNKNOWN_STATUS: ['statuses'],
  UPLOAD_EMPTY: [],
  URGE_MESSAGE_REQUIRED: [],
  USER_NOT_ACTIVE: ['username'],
  USER_NOT_AUDITOR: ['username'],
  USER_NOT_FOUND: ['username'],
  USER_NOT_HANDLER: ['username'],
  USER_NOT_IN_TASK_GROUP: ['username', 'step', 'groups'],
  USER_OUTSIDE_UNIT: ['username'],
  VALIDATION: ['field', 'rule'],
  VARIABLES_PLATFORM_ONLY: ['names'],
  VERSION_RETIRED: ['version'],
} as const satisfies Record<string, readonly string[]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The params a code names, each required. */
export type ParamsOf<C extends ErrorCode> = { [K in (typeof ERROR_CODES)[C][number]]: string | number };

/** A refusal with a stable code: thrown by domain code and routes alike; `status` is the HTTP status it answers. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A DomainError to throw: `throw fail(404, 'TASK_NOT_FOUND', { id }, 'Không có công việc … / No task …')`. */
export function fail<C extends ErrorCode>(status: number, code: C, params: ParamsOf<C>, message: string): DomainError {
  return new DomainError(code, params, message, status);
}

/** True for a code the registry holds (a code from elsewhere, a framework's or a driver's, is not one). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
