import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verify } from '@node-rs/argon2';
import { CurrentUser, LoginBody, LoginReply } from '../../schemas/auth.js';
import { errors } from '../../schemas/common.js';
import { clearFailedLogins, findCurrentUser, findUserByUsername, recordFailedLogin } from '../../repositories/users.js';

// A constant hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3yZ7fH5zK0bQm1k2J1m3R2n0Zr8aV3H3k5pY0xQ9o1E';

const vnTime = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

const auth: FastifyPluginAsyncTypebox = async (app) => {
  /** 423: the account is locked after too many wrong passwords; says until when (Vietnam time). */
  const lockedError = (until: Date, failures: number) =>
    app.httpErrors.createError(
      423,
      `Tài khoản tạm khóa đến ${vnTime.format(until)} vì nhập sai mật khẩu ${failures} lần liên tiếp / Account locked until ${until.toISOString()} after ${failures} wrong passwords in a row`,
    );

  app.post(
    '/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in with username and password; returns a JWT', body: LoginBody, response: { 200: LoginReply, 400: errors[400], 401: errors[401], 423: errors[400], 429: errors[400] } },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (req) => {
      const row = await findUserByUsername(app.db, req.body.username);
      const { loginMaxFailures, loginLockMinutes } = app.config;
      if (row?.locked_until && row.locked_until.getTime() > Date.now()) {
        await req.audit('auth.login_locked', { actor: { username: null }, target: { type: 'user', id: row.username }, reason: 'account locked' });
        throw lockedError(row.locked_until, loginMaxFailures);
      }
      const ok = await verify(row?.password_hash ?? DUMMY_HASH, req.body.password).catch(() => false);
      if (!row || !ok || !row.active) {
        await req.audit('auth.login_failed', { actor: { username: null }, target: { type: 'user', id: req.body.username }, reason: !row ? 'unknown user' : !row.active ? 'inactive account' : 'wrong password' });
        const lockedUntil = row && !ok ? await recordFailedLogin(app.db, row.id, loginMaxFailures, loginLockMinutes) : null;
        if (lockedUntil) {
          await req.audit('auth.account_locked', { actor: { username: null }, target: { type: 'user', id: row!.username }, reason: `${loginMaxFailures} wrong passwords in a row` });
          throw lockedError(lockedUntil, loginMaxFailures);
        }
        throw app.httpErrors.unauthorized('Sai tên đăng nhập hoặc mật khẩu / Wrong username or password');
      }
      await clearFailedLogins(app.db, row.id);
      const user = (await findCurrentUser(app.db, row.id))!;
      const token = app.jwt.sign({ sub: String(row.id), username: row.username });
      await req.audit('auth.login', { actor: { username: user.username, roles: user.roles, unitCode: user.unit.code }, target: { type: 'user', id: user.username } });
      return { token, expiresIn: app.config.jwtExpiresIn, user };
    },
  );
};
export default auth;

export const me: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { onRequest: app.authenticate, schema: { tags: ['auth'], summary: 'The signed-in user', security: [{ bearer: [] }], response: { 200: CurrentUser, 401: errors[401] } } }, async (req) => req.currentUser);
};
