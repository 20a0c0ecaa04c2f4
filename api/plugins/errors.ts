import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isEngineUnavailable, grpcCode, Grpc } from '../../engine/client.js';
import { BpmnValidationError } from '../../engine/deploy.js';
import { TaskInputError } from '../../domain/inbox/task-input.js';
import { MAX_JSON_STRING } from '../../lib/limits.js';
import { DomainError, type ErrorCode } from '../../lib/errors.js';
import { STATUS_CODES } from 'node:http';
import { redactUrl } from '../log-redact.js';
import { fail } from '../../lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes strings longer than MAX_JSON_STRING (BPMN XML, CSV): its own bodyLimit bounds them. */
    longText?: boolean;
  }
}

export const ENGINE_UNAVAILABLE =
  'Hệ thống xử lý quy trình (Zeebe) tạm thời không truy cập được, vui lòng thử lại sau / The process engine is unavailable, please try again shortly';

/** Fastify's own refusals of a request's framing: answered with one of our codes, said in Vietnamese first. */
const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'REQUEST_TOO_LARGE', message: 'Dữ liệu gửi lên quá lớn / Request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Kiểu dữ liệu gửi lên không được hỗ trợ / Unsupported content type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'JSON_BODY_EMPTY', message: 'Thiếu dữ liệu JSON / The JSON body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'CONTENT_LENGTH_MISMATCH',
    message: 'Độ dài dữ liệu không khớp / Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_TYPE: { code: 'CONTENT_TYPE_MISSING', message: 'Thiếu kiểu dữ liệu (Content-Type) / Missing content type' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'JSON_BODY_INVALID',
    message: 'Dữ liệu JSON không đọc được hoặc chứa khóa không được phép (__proto__, constructor) / The body is not valid JSON or carries a forbidden key',
  },
  FST_ERR_BAD_URL: { code: 'URL_INVALID_CHARACTER', message: 'Đường dẫn chứa ký tự không hợp lệ / The address contains an invalid character' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URL_PART_TOO_LONG', message: 'Một phần của đường dẫn quá dài / A part of the address is too long' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'INVALID_REQUEST', message: 'Yêu cầu không hợp lệ / Invalid request' },
};
const INVALID_REQUEST = FRAMEWORK_ERRORS.FST_ERR_ASYNC_CONSTRAINT!;

/**
 * Fastify's refusals before routing (a bad or over-long path segment), with our code and without
 * echoing the path back: passed as the `frameworkErrors` option of the server.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode ?? 400;
  const known = FRAMEWORK_ERRORS[err.code] ?? INVALID_REQUEST;
  void reply.status(status).send({
    statusCode: status,
    code: known.code,
    params: {},
    error: status === 414 ? 'URI Too Long' : 'Bad Request',
    message: known.message,
  });
}

/** PostgreSQL refusals caused by the data sent (not by us): answered 400, the statement changed nothing. */
const PG_DATA_ERRORS: Record<string, string> = {
  '22021': 'Dữ liệu chứa ký tự không hợp lệ / The data contains an invalid character',
  '22P05': 'Dữ liệu chứa ký tự không hợp lệ / The data contains an invalid character',
  '22001': 'Dữ liệu quá dài / A value is too long',
  '22003': 'Số nằm ngoài giới hạn cho phép / A number is out of range',
  '22007': 'Ngày giờ không hợp lệ / Invalid date or time',
  '22008': 'Ngày giờ nằm ngoài giới hạn / Date or time out of range',
};

/**
 * True when a parsed JSON body holds a NUL character in any string or key (PostgreSQL text cannot
 * store it). Only plain objects, arrays and strings are walked (an upload's Buffer is not text), at
 * most 64 levels deep and 100,000 values.
 */
function holdsNul(body: unknown): boolean {
  let budget = 100_000;
  const walk = (value: unknown, depth: number): boolean => {
    if (--budget < 0) return false;
    if (typeof value === 'string') return value.includes('\u0000');
    if (depth > 64 || value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some((v) => walk(v, depth + 1));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.entries(value as Record<string, unknown>).some(([k, v]) => k.includes('\u0000') || walk(v, depth + 1));
  };
  return walk(body, 0);
}

/** One schema error as Ajv reports it (the parts used here). */
interface SchemaError {
  keyword: string;
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

const PART: Record<string, string> = { body: 'dữ liệu gửi lên', querystring: 'tham số truy vấn', params: 'đường dẫn', headers: 'tiêu đề (header)' };
const TYPE_VI: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  integer: 'số nguyên',
  boolean: 'đúng/sai (true/false)',
  array: 'danh sách',
  object: 'đối tượng',
  null: 'rỗng (null)',
};
const FORMAT_VI: Record<string, string> = {
  date: 'ngày (YYYY-MM-DD)',
  'date-time': 'ngày giờ (ISO 8601)',
  time: 'giờ (HH:MM)',
  email: 'thư điện tử',
  uri: 'địa chỉ web',
  uuid: 'mã UUID',
};
const list = (v: unknown) =>
  Array.isArray(v)
    ? v
        .slice(0, 12)
        .map((x) => JSON.stringify(x))
        .join(', ') + (v.length > 12 ? ', …' : '')
    : String(v);

/** The reason of one schema error, in Vietnamese. */
function reasonVi(e: SchemaError): string {
  const p = e.params ?? {};
  switch (e.keyword) {
    case 'required':
      return 'thiếu (bắt buộc)';
    case 'maxLength':
      return `dài quá ${p.limit} ký tự`;
    case 'minLength':
      return Number(p.limit) <= 1 ? 'không được để trống' : `phải có ít nhất ${p.limit} ký tự`;
    case 'type':
      return `phải là ${String(p.type)
        .split(',')
        .map((t) => TYPE_VI[t] ?? t)
        .join(' hoặc ')}`;
    case 'enum':
      return `phải là một trong: ${list(p.allowedValues)}`;
    case 'const':
      return `phải là ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `không đúng định dạng ${FORMAT_VI[String(p.format)] ?? String(p.format)}`;
    case 'pattern':
      return 'có ký tự hoặc dạng không được phép';
    case 'minimum':
      return `phải lớn hơn hoặc bằng ${p.limit}`;
    case 'maximum':
      return `phải nhỏ hơn hoặc bằng ${p.limit}`;
    case 'exclusiveMinimum':
      return `phải lớn hơn ${p.limit}`;
    case 'exclusiveMaximum':
      return `phải nhỏ hơn ${p.limit}`;
    case 'maxItems':
      return `có nhiều hơn ${p.limit} phần tử`;
    case 'minItems':
      return `phải có ít nhất ${p.limit} phần tử`;
    case 'uniqueItems':
      return 'có phần tử trùng nhau';
    case 'maxProperties':
      return `có nhiều hơn ${p.limit} trường`;
    case 'additionalProperties':
      return `có trường không được phép "${String(p.additionalProperty)}"`;
    case 'anyOf':
    case 'oneOf':
      return 'không khớp dạng nào được phép';
    default:
      return 'không hợp lệ';
  }
}

/**
 * A schema refusal said in Vietnamese first, naming the field ("applicantName", "items[2].code") and
 * the reason; Ajv's English text follows the slash.
 */
export function validationMessage(errors: SchemaError[], context: string | undefined, english: string): string {
  const e = errors[0];
  if (!e) return `Dữ liệu không hợp lệ / Invalid input: ${english}`;
  const path = (e.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  const missing = e.keyword === 'required' ? String(e.params?.missingProperty ?? '') : '';
  const field = [path, missing].filter(Boolean).join('.');
  const where = field ? `trường "${field}"` : (PART[context ?? ''] ?? 'dữ liệu');
  return `Dữ liệu không hợp lệ: ${where} ${reasonVi(e)} / Invalid input: ${english}`;
}

/**
 * The params of a schema refusal: the field ("applicantName", "items[2].code", or the part of the
 * request when the refusal is about the whole of it), the rule (Ajv's keyword), and its limit when it
 * has one. The web says them in the reader's language (web/src/i18n/errors.ts, rules).
 */
export function validationParams(errors: SchemaError[], context: string | undefined): Record<string, string | number> {
  const e = errors[0];
  if (!e) return { field: context ?? 'body', rule: 'invalid' };
  const path = (e.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  const missing = e.keyword === 'required' ? String(e.params?.missingProperty ?? '') : '';
  const field = [path, missing].filter(Boolean).join('.') || (context ?? 'body');
  const limit = e.params?.limit;
  return { field, rule: e.keyword, ...(typeof limit === 'number' ? { limit } : {}) };
}

/**
 * Where a parsed body holds a string (or a key) longer than `max` characters: its path
 * ("applicant.name", "items[3]", "" for the body itself), or null. Walked like holdsNul.
 */
export function overLongString(body: unknown, max: number): string | null {
  let budget = 100_000;
  const walk = (value: unknown, at: string, depth: number): string | null => {
    if (--budget < 0) return null;
    if (typeof value === 'string') return value.length > max ? at : null;
    if (depth > 64 || value === null || typeof value !== 'object') return null;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const hit = walk(value[i], `${at}[${i}]`, depth + 1);
        if (hit !== null) return hit;
      }
      return null;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return null;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const name = at ? `${at}.${k}` : k;
      if (k.length > max) return at || '(key)';
      const hit = walk(v, name, depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  };
  return walk(body, '', 0);
}

/** The path of a field as a refusal shows it (a client may send a key of any length). */
const shownPath = (p: string) => JSON.stringify(p.length > 80 ? `${p.slice(0, 80)}…` : p || '(body)');

/**
 * One error handler: expected 4xx pass through with their message; validation errors name the field;
 * engine outages become 503; anything else is logged with context and answered without details.
 */
export default fp(
  async (app) => {
    // No text field anywhere may carry a NUL character: refused before any route runs.
    app.addHook('preValidation', async (req) => {
      if (req.body !== undefined && holdsNul(req.body)) {
        throw fail(400, 'INVALID_CHARACTER_NUL', {}, 'Dữ liệu chứa ký tự không hợp lệ (NUL) / The data contains an invalid character (NUL)');
      }
      // No string anywhere in a body is longer than MAX_JSON_STRING, before any schema or pattern sees it.
      if (req.body !== undefined && req.body !== null && req.routeOptions.config?.longText !== true) {
        const at = overLongString(req.body, MAX_JSON_STRING);
        if (at !== null) {
          throw fail(
            413,
            'STRING_TOO_LONG',
            { field: shownPath(at), max: MAX_JSON_STRING },
            `Trường ${shownPath(at)} quá dài (tối đa ${MAX_JSON_STRING} ký tự) / The field ${shownPath(at)} is too long (at most ${MAX_JSON_STRING} characters)`,
          );
        }
      }
    });
    app.setErrorHandler((err: FastifyError & { elements?: string[]; details?: string }, req, reply) => {
      if (err instanceof DomainError) {
        const status = err.status;
        return reply.status(status).send({
          statusCode: status,
          code: err.code,
          params: err.params,
          error: STATUS_CODES[status] ?? 'Error',
          message: err.message,
        });
      }
      if (err instanceof BpmnValidationError) {
        return reply.status(400).send({
          statusCode: 400,
          code: 'BPMN_INVALID',
          params: { count: err.issues.length },
          error: 'Bad Request',
          message: `BPMN không hợp lệ / Invalid BPMN: ${err.message}`,
          elements: [...new Set(err.issues.map((i) => i.elementId).filter(Boolean))],
          problems: err.issues.map((i) => ({ code: i.code, params: i.params, message: i.message, ...(i.elementId ? { elementId: i.elementId } : {}) })),
        });
      }
      if (err instanceof TaskInputError) {
        return reply.status(400).send({
          statusCode: 400,
          code: err.code,
          ...(err.params ? { params: err.params } : {}),
          error: 'Bad Request',
          message: err.message,
          fields: err.fields,
        });
      }
      if (err.validation) {
        return reply.status(400).send({
          statusCode: 400,
          code: 'VALIDATION',
          params: validationParams(err.validation, (err as { validationContext?: string }).validationContext),
          error: 'Bad Request',
          message: validationMessage(err.validation, (err as { validationContext?: string }).validationContext, err.message),
        });
      }
      if (err.statusCode === undefined && isEngineUnavailable(err)) {
        req.log.warn({ err: err.message }, 'engine unavailable');
        return reply.status(503).send({ statusCode: 503, code: 'ENGINE_UNAVAILABLE', error: 'Service Unavailable', message: ENGINE_UNAVAILABLE });
      }
      const code = grpcCode(err);
      if (code === Grpc.NOT_FOUND) {
        return reply.status(404).send({
          statusCode: 404,
          code: 'ENGINE_NOT_FOUND',
          error: 'Not Found',
          message: `Không tìm thấy trong Zeebe / Not found in the engine: ${err.details ?? err.message}`,
        });
      }
      if (code === Grpc.INVALID_ARGUMENT || code === Grpc.FAILED_PRECONDITION) {
        return reply.status(400).send({
          statusCode: 400,
          code: 'ENGINE_REJECTED',
          error: 'Bad Request',
          message: `Zeebe từ chối yêu cầu / The engine rejected the request: ${err.details ?? err.message}`,
        });
      }
      const pgCode = (err as { code?: string }).code;
      if (err.statusCode === undefined && pgCode && PG_DATA_ERRORS[pgCode] && (err as { severity?: string }).severity) {
        req.log.warn({ url: redactUrl(req.url), pgCode }, 'data refused by the database');
        return reply.status(400).send({ statusCode: 400, code: 'INVALID_DATA', error: 'Bad Request', message: PG_DATA_ERRORS[pgCode] });
      }
      const framework = FRAMEWORK_ERRORS[err.code];
      if (framework) {
        const status = err.statusCode ?? 400;
        return reply
          .status(status)
          .send({ statusCode: status, code: framework.code, params: {}, error: STATUS_CODES[status] ?? 'Bad Request', message: framework.message });
      }
      const status = err.statusCode ?? 500;
      if (status >= 500 && status !== 503) {
        req.log.error({ err, url: redactUrl(req.url), method: req.method }, 'request failed');
        return reply.status(status).send({
          statusCode: status,
          code: 'INTERNAL_ERROR',
          params: {},
          error: 'Internal Server Error',
          message: 'Lỗi hệ thống, đã được ghi nhận / Internal error, it has been logged',
        });
      }
      const error = (err as { error?: string }).error ?? (err.name && err.name !== 'Error' ? err.name : 'Error');
      return reply.status(status).send({ statusCode: status, code: err.code, error, message: err.message });
    });
  },
  { name: 'errors' },
);
