import { Type, type Static } from 'typebox';

/**
 * The values an error code's text names (lib/errors.ts). A type list, not a union: fast-json-stringify
 * serialises a union (anyOf) with an Ajv instance of its own in every compiled serializer, and the error
 * body is the response of every 4xx/5xx of every route (about 750 serializers, 40 MiB of live heap;
 * bench/results/layering-memory.md). test/unit/error-body.test.ts keeps it so.
 */
export const Params = Type.Record(Type.String(), Type.Unsafe<string | number>({ type: ['string', 'number'] }));

/** One problem of several a refusal lists: a code (lib/errors.ts) with its params, and the server's text as fallback. */
export const ProblemBody = Type.Object({
  code: Type.String(),
  params: Params,
  message: Type.String(),
});

/** Error body of every 4xx/5xx: a message a person understands (Vietnamese first) and a stable code. */
export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.Optional(Type.String()),
  /** The values the message names, for the code's text in the reader's language. */
  params: Type.Optional(Params),
  error: Type.String(),
  message: Type.String(),
  /** BPMN element ids a validation problem refers to, when there are any. */
  elements: Type.Optional(Type.Array(Type.String())),
  /** Fields of a form a refused task completion names: variable (or path), label, what is wrong. */
  fields: Type.Optional(
    Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        message: Type.String(),
        code: Type.Optional(Type.String()),
        params: Type.Optional(Params),
      }),
    ),
  ),
  /** The problems a BPMN refusal names, each with its code and params. */
  problems: Type.Optional(Type.Array(Type.Object({ ...ProblemBody.properties, elementId: Type.Optional(Type.String()) }))),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** Standard error responses to spread into a route's `response` map. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  503: ErrorBody,
} as const;

/** Zeebe keys are int64: carried as decimal strings end to end. */
export const ZeebeKey = Type.String({ pattern: '^[0-9]{1,19}$', description: 'Zeebe key (int64 as a decimal string)' });
