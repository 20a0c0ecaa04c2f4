import { describe, expect, it } from 'vitest';
import fastJsonStringify from 'fast-json-stringify';
import { ErrorBody } from '../../api/schemas/common.js';

/**
 * The error body is the response schema of every 4xx/5xx of every route, so Fastify compiles it about 750
 * times. A union (anyOf) inside it makes fast-json-stringify build an Ajv instance and validators into each
 * of those serializers: 40 MiB more live heap after a benchmark load (bench/results/layering-memory.md).
 */
describe('the error body serialises without a validator', () => {
  it('has no union that needs Ajv at serialisation time', () => {
    const debug = fastJsonStringify(ErrorBody as object, { mode: 'debug' }) as unknown as { code: string };
    expect(debug.code).not.toMatch(/validator\.\w+/);
  });

  it('still writes string and number params and drops other values', () => {
    const write = fastJsonStringify(ErrorBody as object);
    const body = JSON.parse(write({ statusCode: 409, code: 'TASK_CLAIMED_BY', params: { by: 'cb.tiepnhan', count: 3 }, error: 'Conflict', message: 'm' })) as {
      params: Record<string, unknown>;
    };
    expect(body.params).toEqual({ by: 'cb.tiepnhan', count: 3 });
  });
});
