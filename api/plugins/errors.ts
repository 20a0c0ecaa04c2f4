import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { isEngineUnavailable, grpcCode, Grpc } from '../../engine/client.js';
import { BpmnValidationError } from '../../engine/deploy.js';
import { TaskInputError } from '../task-input.js';

export const ENGINE_UNAVAILABLE = 'Hệ thống xử lý quy trình (Zeebe) tạm thời không truy cập được, vui lòng thử lại sau / The process engine is unavailable, please try again shortly';

/** Fastify's own refusals of a request's framing, said in Vietnamese first. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Dữ liệu gửi lên quá lớn / Request body too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Kiểu dữ liệu gửi lên không được hỗ trợ / Unsupported content type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Thiếu dữ liệu JSON / The JSON body is empty',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Độ dài dữ liệu không khớp / Content-Length does not match the body',
  FST_ERR_CTP_EMPTY_TYPE: 'Thiếu kiểu dữ liệu (Content-Type) / Missing content type',
};

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

/**
 * One error handler: expected 4xx pass through with their message; validation errors name the field;
 * engine outages become 503; anything else is logged with context and answered without details.
 */
export default fp(
  async (app) => {
    // No text field anywhere may carry a NUL character: refused before any route runs.
    app.addHook('preValidation', async (req) => {
      if (req.body !== undefined && holdsNul(req.body)) {
        throw app.httpErrors.badRequest('Dữ liệu chứa ký tự không hợp lệ (NUL) / The data contains an invalid character (NUL)');
      }
    });
    app.setErrorHandler((err: FastifyError & { elements?: string[]; details?: string }, req, reply) => {
      if (err instanceof BpmnValidationError) {
        return reply.status(400).send({
          statusCode: 400,
          code: 'BPMN_INVALID',
          error: 'Bad Request',
          message: `BPMN không hợp lệ / Invalid BPMN: ${err.message}`,
          elements: [...new Set(err.issues.map((i) => i.elementId).filter(Boolean))],
        });
      }
      if (err instanceof TaskInputError) {
        return reply.status(400).send({ statusCode: 400, code: err.code, error: 'Bad Request', message: err.message, fields: err.fields });
      }
      if (err.validation) {
        return reply.status(400).send({
          statusCode: 400,
          code: 'VALIDATION',
          error: 'Bad Request',
          message: `Dữ liệu không hợp lệ / Invalid input: ${err.message}`,
        });
      }
      if (err.statusCode === undefined && isEngineUnavailable(err)) {
        req.log.warn({ err: err.message }, 'engine unavailable');
        return reply.status(503).send({ statusCode: 503, code: 'ENGINE_UNAVAILABLE', error: 'Service Unavailable', message: ENGINE_UNAVAILABLE });
      }
      const code = grpcCode(err);
      if (code === Grpc.NOT_FOUND) {
        return reply.status(404).send({ statusCode: 404, code: 'ENGINE_NOT_FOUND', error: 'Not Found', message: `Không tìm thấy trong Zeebe / Not found in the engine: ${err.details ?? err.message}` });
      }
      if (code === Grpc.INVALID_ARGUMENT || code === Grpc.FAILED_PRECONDITION) {
        return reply.status(400).send({ statusCode: 400, code: 'ENGINE_REJECTED', error: 'Bad Request', message: `Zeebe từ chối yêu cầu / The engine rejected the request: ${err.details ?? err.message}` });
      }
      const pgCode = (err as { code?: string }).code;
      if (err.statusCode === undefined && pgCode && PG_DATA_ERRORS[pgCode] && (err as { severity?: string }).severity) {
        req.log.warn({ url: req.url, pgCode }, 'data refused by the database');
        return reply.status(400).send({ statusCode: 400, code: 'INVALID_DATA', error: 'Bad Request', message: PG_DATA_ERRORS[pgCode] });
      }
      const framework = FRAMEWORK_MESSAGES[err.code];
      if (framework) return reply.status(err.statusCode ?? 400).send({ statusCode: err.statusCode ?? 400, code: err.code, error: 'Bad Request', message: framework });
      const status = err.statusCode ?? 500;
      if (status >= 500 && status !== 503) {
        req.log.error({ err, url: req.url, method: req.method }, 'request failed');
        return reply.status(status).send({ statusCode: status, error: 'Internal Server Error', message: 'Lỗi hệ thống, đã được ghi nhận / Internal error, it has been logged' });
      }
      const error = (err as { error?: string }).error ?? (err.name && err.name !== 'Error' ? err.name : 'Error');
      return reply.status(status).send({ statusCode: status, code: err.code, error, message: err.message });
    });
  },
  { name: 'errors' },
);
