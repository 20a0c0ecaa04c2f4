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
  ALREADY_RETIRED: ['version'],
  ALREADY_SUPPLEMENTED: [],
  APOLOGY_APPROVER_ONLY: [],
  APOLOGY_DRAFTER_ONLY: [],
  APOLOGY_NOT_APPROVED: [],
  APOLOGY_NOT_FOUND: [],
  APPLICANT_NAME_REQUIRED: [],
  AUDITOR_ALREADY_ASSIGNED: ['username', 'unit'],
  AUDITOR_READ_ONLY: [],
  AUDIT_SCOPE_NOT_FOUND: [],
  BAD_MULTIPART: [],
  BPMN_DEAD_END: ['step', 'id'],
  BPMN_DEFAULT_FLOW_APPROVES: ['gateway', 'flow'],
  BPMN_DEFAULT_FLOW_LEADS_ON: ['gateway', 'flow'],
  BPMN_DTD: [],
  BPMN_ID_IN_USE: ['id'],
  BPMN_INVALID: ['count'],
  BPMN_JOB_TYPE_EXPRESSION: ['step'],
  BPMN_LINT: ['rule', 'element', 'detail'],
  BPMN_MALFORMED: ['detail'],
  BPMN_NOT_BPMN: [],
  BPMN_NOT_EXECUTABLE: [],
  BPMN_NO_EXIT: ['step', 'id'],
  BPMN_NO_PROCESS: [],
  BPMN_NO_WORKER: ['step', 'jobType'],
  BPMN_PROCEDURE_PROCESS_MISSING: ['process'],
  BPMN_PROCESS_NO_TIME_LIMIT: ['process', 'property'],
  BPMN_PROCESS_TIME_LIMIT: ['process', 'value'],
  BPMN_PROCESS_TIME_SHORT: ['process', 'total', 'longest', 'path'],
  BPMN_STEP_NO_OWNER: ['step'],
  BPMN_STEP_NO_TIME_LIMIT: ['step', 'header'],
  BPMN_STEP_TIME_LIMIT: ['step', 'value'],
  BPMN_TOO_LARGE: ['max'],
  BPMN_UNKNOWN_GROUP: ['step', 'group'],
  BPMN_UNPARSABLE_ELEMENT: ['detail'],
  CALENDAR_BLANK: [],
  CALENDAR_CONFLICT: [],
  CALENDAR_CULTURE_DAY: [],
  CALENDAR_DATE_RANGE: [],
  CALENDAR_DUPLICATE: ['date'],
  CALENDAR_ENTRY_NOT_FOUND: ['id'],
  CALENDAR_INVALID: [],
  CALENDAR_INVALID_DATE: [],
  CALENDAR_INVALID_DAYS: [],
  CALENDAR_INVALID_SETTINGS: [],
  CALENDAR_NO_WORKING_TIME: [],
  CALENDAR_OCCASION: [],
  CALENDAR_UNIT_NO_SETTINGS: ['unit'],
  CALENDAR_UNKNOWN_UNIT: [],
  CASE_ALREADY_PAUSED: [],
  CASE_FILE_NOT_FOUND: [],
  CASE_FINISHED: [],
  CASE_HOLDER_ONLY_PAUSE: [],
  CASE_NOT_FOUND: ['key'],
  CASE_NOT_PAUSED: [],
  CASE_NOT_TRACKED: [],
  CASE_OUTSIDE_EXAMINED_UNITS: ['key'],
  CASE_OUTSIDE_UNIT: ['key'],
  CASE_PAUSE_ORDER: [],
  CATALOGUE_AGENCY_EID: ['value'],
  CATALOGUE_CODE_CHARACTERS: ['value'],
  CATALOGUE_DOCUMENT: ['index'],
  CATALOGUE_DOCUMENT_COPIES: ['index'],
  CATALOGUE_DOCUMENT_DUPLICATE: ['value'],
  CATALOGUE_DOCUMENT_MANDATORY: ['index'],
  CATALOGUE_DUPLICATE_CODE: ['value', 'row'],
  CATALOGUE_FEE: ['index'],
  CATALOGUE_FIELD_ARRAY: ['field'],
  CATALOGUE_FIELD_JSON: ['field'],
  CATALOGUE_FIELD_MISSING: ['field'],
  CATALOGUE_FIELD_TOO_LONG: ['field', 'max'],
  CATALOGUE_INVALID: ['count'],
  CATALOGUE_ONLINE_LEVEL: ['value'],
  CATALOGUE_PROCESS_ID: ['value'],
  CATALOGUE_PROCESS_VERSION: ['value'],
  CATALOGUE_ROW_NOT_OBJECT: [],
  CATALOGUE_TIME_LIMIT: ['value'],
  CATALOGUE_UNKNOWN_UNIT: ['field', 'unit'],
  COMMENT_EMPTY: [],
  CONTENT_LENGTH_MISMATCH: [],
  CONTENT_TYPE_MISSING: [],
  CSV_CONTENT_TYPE: [],
  CSV_EMPTY: [],
  CSV_HEADER_MISSING: ['columns'],
  CSV_UNREADABLE: ['detail'],
  DOCUMENT_CODE_EXISTS: ['code'],
  DOCUMENT_NOT_FOUND: ['id'],
  DOCUMENT_NOT_IN_FORCE: ['code'],
  DOCUMENT_REQUEST_OPEN: ['code'],
  DOCUMENT_UNKNOWN_UNITS: ['units'],
  DOSSIER_CLOSED: [],
  DOSSIER_FILE_NOT_FOUND: [],
  DOSSIER_INCOMPLETE: ['missing'],
  DOSSIER_NOT_FOUND: ['code'],
  DOSSIER_OUTSIDE_SCOPE: [],
  DOSSIER_OUTSIDE_UNIT: [],
  DRAFT_UNCHANGED: ['version'],
  ENGINE_NOT_FOUND: [],
  ENGINE_REFUSED_START: [],
  ENGINE_REJECTED: [],
  ENGINE_UNAVAILABLE: [],
  ENGINE_UNAVAILABLE_QUEUED: [],
  ENGINE_UNAVAILABLE_RESULT_SAVED: [],
  ENGINE_UNAVAILABLE_SEND_BACK_SAVED: [],
  EXPORT_TOO_MANY_ROWS: ['max'],
  FIELD_TOO_LONG: [],
  FILE_CONTENT: ['file', 'ext'],
  FILE_CONTENT_MISMATCH: ['ext'],
  FILE_CONTENT_TYPE: [],
  FILE_EMPTY: ['file'],
  FILE_MISSING: [],
  FILE_TOO_LARGE: ['file', 'max'],
  FILE_TYPE: ['file', 'allowed'],
  FILE_TYPE_NOT_ALLOWED: ['allowed'],
  FORM_NOT_FOUND: ['key'],
  FORM_TOO_LARGE: [],
  IDEMPOTENCY_KEY_REUSED: [],
  INSTANCE_NOT_FOUND: ['key'],
  INTERNAL_ERROR: [],
  INVALID_CHARACTER_NUL: [],
  INVALID_DATA: [],
  INVALID_DATE: [],
  INVALID_NEW_DATE: [],
  INVALID_REQUEST: [],
  ISO_RATE_TARGET_RANGE: [],
  JSON_BODY_EMPTY: [],
  JSON_BODY_INVALID: [],
  LEADER_ONLY_ASSIGN: [],
  LEADER_ONLY_PEOPLE: [],
  LEADER_ONLY_UNIT_VIEW: [],
  NONCONFORMITY_NOT_FOUND: ['id'],
  NOTIFICATION_NOT_FOUND: ['id'],
  NOT_DESK_OFFICER: ['desk'],
  NOT_MULTIPART: [],
  NOT_SIGNED_IN: [],
  NOT_WAITING: [],
  NO_PROCEDURE: ['code'],
  ONESTOP_PROCEDURE_NOT_FOUND: ['code'],
  ONESTOP_STAFF_ONLY: [],
  OWNED_VARIABLES: ['names'],
  PASSWORD_UNCHANGED: [],
  PASSWORD_WRONG: [],
  PERIOD_FROM_AFTER_TO: [],
  PERIOD_TOO_LONG: [],
  PROCEDURE_CREATE_INPUT: [],
  PROCEDURE_EXISTS: ['id'],
  PROCEDURE_NOT_FOUND: ['id'],
  PROCEDURE_VERSION_NOT_FOUND: ['version', 'id'],
  PROCESS_NOT_DEPLOYED: ['process'],
  RATE_LIMITED: [],
  REASON_REQUIRED: [],
  REQUEST_TOO_LARGE: [],
  RESULT_ISSUED: [],
  REVISION_CONFLICT: ['revision'],
  ROLE_REQUIRED: ['roles'],
  ROUTE_NOT_FOUND: ['method', 'path'],
  SAVED_QUERY_NOT_FOUND: [],
  SESSION_ENDED: [],
  SLIP_NOT_YET: [],
  SLIP_RECEIVING_DESK_ONLY: [],
  STAFF_NOT_CITIZEN: [],
  STREAM_TICKET_INVALID: [],
  STRING_TOO_LONG: ['field', 'max'],
  SUBMISSION_QUOTA: ['perDay'],
  SUBMISSION_TOO_LARGE: ['mb'],
  SUPPLEMENT_EMPTY: [],
  SUPPLEMENT_ONCE: [],
  SUPPLEMENT_REASON_REQUIRED: [],
  SYSTEM_PROCESS: [],
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
  TASK_INPUT_INVALID: [],
  TASK_MODEL_UNKNOWN: [],
  TASK_NOT_FOUND: ['id'],
  TASK_NOT_OFFERED: [],
  TASK_OUTSIDE_UNIT: [],
  TASK_UNASSIGNED: [],
  TOO_MANY_FILES: ['max'],
  UNIT_NOT_AUDITED: ['unit'],
  UNIT_NOT_FOUND: ['unit'],
  UNIT_OUTSIDE_SCOPE: ['unit'],
  UNKNOWN_DOCUMENTS: ['codes'],
  UNKNOWN_STATUS: ['statuses'],
  UNKNOWN_UNIT: ['unit'],
  UNSUPPORTED_MEDIA_TYPE: [],
  UPLOAD_EMPTY: [],
  URGE_MESSAGE_REQUIRED: [],
  URL_INVALID_CHARACTER: [],
  URL_PART_TOO_LONG: [],
  USER_NOT_ACTIVE: ['username'],
  USER_NOT_AUDITOR: ['username'],
  USER_NOT_FOUND: ['username'],
  USER_NOT_HANDLER: ['username'],
  USER_NOT_IN_TASK_GROUP: ['username', 'step', 'groups'],
  USER_OUTSIDE_UNIT: ['username'],
  VALIDATION: ['field', 'rule'],
  VERSION_RETIRED: ['version', 'id'],
  WRONG_STATUS: [],
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

/**
 * One problem among several a refusal lists (a catalogue row's, a BPMN element's, a form field's): a
 * code with its params, shown in the reader's language like an answer's code, and the server's text
 * (Vietnamese / English) as the fallback for API clients and logs.
 */
export interface Problem {
  code: ErrorCode;
  params: ErrorParams;
  message: string;
}

/** A Problem: `problem('CATALOGUE_FIELD_MISSING', { field }, 'thiếu … / … is missing')`. */
export function problem<C extends ErrorCode>(code: C, params: ParamsOf<C>, message: string): Problem {
  return { code, params, message };
}
