import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { fail } from '../../../lib/errors.js';

/**
 * The rate limits of the API (@fastify/rate-limit): none by default, a route opts in with its
 * `config.rateLimit`. The public routes take theirs from here, so a flood is answered the same way
 * everywhere.
 */

/** The message of a 429 with the wait as the plugin says it ("1 minute"). */
const retryIn = (after: string) => `Quá nhiều yêu cầu, vui lòng thử lại sau ${after} / Too many requests, please retry in ${after}`;

/** The wait of a 429 in whole seconds (at least 1), the RATE_LIMITED code's param. */
const waitSeconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs / 1000));

/** The plugin, not global: the routes that set `config.rateLimit` are limited (sign-in, the public pages). */
export default fp(async (app) => {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => fail(ctx.statusCode, 'RATE_LIMITED', { seconds: waitSeconds(ctx.ttl) }, retryIn(ctx.after)),
  });
});

/**
 * The per-address limit of a citizen's route (one-stop desk, complaints): `max` requests a minute,
 * then 429 RATE_LIMITED with the wait in seconds. Thrown as an error, so the one error handler
 * answers it like every other 4xx.
 */
export const limitPerMinute = (max: number) => ({
  rateLimit: {
    max,
    timeWindow: 60_000,
    errorResponseBuilder: (_req: unknown, ctx: { ttl: number }) =>
      fail(
        429,
        'RATE_LIMITED',
        { seconds: waitSeconds(ctx.ttl) },
        `Quá nhiều yêu cầu, vui lòng thử lại sau ${Math.max(1, Math.ceil(ctx.ttl / 1000))} giây / Too many requests, try again in ${Math.max(1, Math.ceil(ctx.ttl / 1000))} s`,
      ),
  },
});

/** The writes of a citizen (submit, supplement, withdraw, complain) get a third of the lookups a minute, at least 5. */
export const writesPerMinute = (lookupsPerMinute: number) => Math.max(5, Math.floor(lookupsPerMinute / 3));

/**
 * The evaluation pages' limit (30 a minute per address): 429 with the wait as the plugin says it,
 * thrown as an error so the one error handler answers it like every other 4xx.
 */
export const evaluationLimit = {
  rateLimit: {
    max: 30,
    timeWindow: '1 minute',
    errorResponseBuilder: (_req: unknown, ctx: { after: string; ttl: number }) =>
      fail(429, 'RATE_LIMITED', { seconds: waitSeconds(ctx.ttl) }, retryIn(ctx.after)),
  },
};
