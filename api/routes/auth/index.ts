import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { CurrentUser, LoginBody, LoginReply, PasswordChangeBody } from '../../schemas/auth.js';
import { errors } from '../../schemas/common.js';
import { findCurrentUser, findUserByUsername, revokeSessions, setPasswordHash, tokenVersionOf } from '../../../domain/org/users.js';
import { pruneLoginThrottle, recordLoginFailure, recordLoginSuccess, throttleWait } from '../../../domain/org/login-throttle.js';
import { passwordProblem } from '../../../domain/org/password-policy.js';
import { DomainError, fail, type ErrorParams } from '../../../lib/errors.js';

/**
 * A real hash of a random password with the same parameters as the accounts' hashes: an unknown
 * username costs the same verification as a known one, so timing does not tell which names exist.
 */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hash(randomBytes(18).toString('base64')));

const wrongCredentials = 'Sai tên đăng nhập hoặc mật khẩu / Wrong username or password';

const auth: FastifyPluginAsyncTypebox = async (app) => {
  await dummy(); // hashed once at start, so the first unknown name costs no more than the others
  /** 429 with the wait: the same for every username, known or not. */
  const throttled = (seconds: number) => {
    const vi = seconds >= 120 ? `${Math.ceil(seconds / 60)} phút` : `${seconds} giây`;
    const err = fail(
      429,
      'LOGIN_THROTTLED',
      { seconds },
      `Đăng nhập sai quá nhiều lần, vui lòng thử lại sau ${vi} / Too many failed sign-ins, please retry in ${seconds} s`,
    );
    return Object.assign(err, { headers: { 'retry-after': String(seconds) } });
  };
  let lastPrune = 0;

  app.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; returns a JWT (failures slow further attempts down: 429 with the wait)',
        body: LoginBody,
        response: { 200: LoginReply, 400: errors[400], 401: errors[401], 429: errors[400] },
      },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const policy = app.config.loginThrottle;
      const wait = await throttleWait(app.db, username, req.ip, policy);
      if (wait > 0) {
        await req.audit('auth.login_throttled', { actor: { username: null }, target: { type: 'user', id: username }, reason: `throttled for ${wait} s` });
        reply.header('retry-after', String(wait));
        throw throttled(wait);
      }
      const row = await findUserByUsername(app.db, username);
      const ok = await verify(row?.password_hash ?? (await dummy()), password).catch(() => false);
      if (!row || !ok || !row.active) {
        await recordLoginFailure(app.db, username, req.ip, policy);
        await req.audit('auth.login_failed', {
          actor: { username: null },
          target: { type: 'user', id: username },
          reason: !row ? 'unknown user' : !row.active ? 'inactive account' : 'wrong password',
        });
        if (Date.now() - lastPrune > 3_600_000) {
          lastPrune = Date.now();
          await pruneLoginThrottle(app.db, policy).catch((err) => req.log.warn({ err: String(err) }, 'login throttle prune failed'));
        }
        throw fail(401, 'LOGIN_WRONG', {}, wrongCredentials);
      }
      await recordLoginSuccess(app.db, username, req.ip);
      const user = (await findCurrentUser(app.db, row.id))!;
      const token = app.jwt.sign({ sub: String(row.id), username: row.username, tv: Number(row.token_version ?? 0) });
      await req.audit('auth.login', {
        actor: { username: user.username, roles: user.roles, unitCode: user.unit.code },
        target: { type: 'user', id: user.username },
      });
      return { token, expiresIn: app.config.jwtExpiresIn, user };
    },
  );

  app.post(
    '/logout',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'Sign out: every token of the account stops working and its live event streams end',
        security: [{ bearer: [] }],
        response: { 204: Type.Null(), 401: errors[401] },
      },
      config: { auditorMayWrite: true },
    },
    async (req, reply) => {
      await revokeSessions(app.db, req.currentUser.id);
      await req.audit('auth.logout', { target: { type: 'user', id: req.currentUser.username } });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/password',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'Change my password (the current one is required); every older token stops working, a new one is returned',
        security: [{ bearer: [] }],
        body: PasswordChangeBody,
        response: { 200: LoginReply, 400: errors[400], 401: errors[401], 429: errors[400] },
      },
      config: { rateLimit: { max: 10, timeWindow: '1 minute' }, auditorMayWrite: true },
    },
    async (req, reply) => {
      const me = req.currentUser;
      const policy = app.config.loginThrottle;
      const wait = await throttleWait(app.db, me.username, req.ip, policy);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw throttled(wait);
      }
      const row = (await findUserByUsername(app.db, me.username))!;
      if (!(await verify(row.password_hash, req.body.currentPassword).catch(() => false))) {
        await recordLoginFailure(app.db, me.username, req.ip, policy);
        await req.audit('auth.password_change_refused', { target: { type: 'user', id: me.username }, reason: 'wrong current password' });
        throw fail(400, 'PASSWORD_WRONG', {}, 'Mật khẩu hiện tại không đúng / The current password is wrong');
      }
      const problem = passwordProblem(req.body.newPassword, me.username);
      if (problem) throw new DomainError(problem.code, problem.params as ErrorParams, problem.message, 400);
      if (await verify(row.password_hash, req.body.newPassword).catch(() => false)) {
        throw fail(400, 'PASSWORD_UNCHANGED', {}, 'Mật khẩu mới phải khác mật khẩu hiện tại / The new password must differ from the current one');
      }
      // Every token issued before is refused from now on; the new one carries the moved token_version.
      await setPasswordHash(app.db, me.id, await hash(req.body.newPassword));
      await req.audit('auth.password_changed', { target: { type: 'user', id: me.username } });
      const token = app.jwt.sign({ sub: String(me.id), username: me.username, tv: await tokenVersionOf(app.db, me.id) });
      return { token, expiresIn: app.config.jwtExpiresIn, user: me };
    },
  );
};
export default auth;

export const me: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      onRequest: app.authenticate,
      schema: { tags: ['auth'], summary: 'The signed-in user', security: [{ bearer: [] }], response: { 200: CurrentUser, 401: errors[401] } },
    },
    async (req) => req.currentUser,
  );
};
