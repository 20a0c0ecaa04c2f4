import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentUser, Role } from '../schemas/auth.js';
import { findSessionUser, candidateGroupsOf } from '../../domain/org/users.js';
import { fail } from '../../lib/errors.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** tv: the account's token_version when the token was signed (older tokens are refused) */
    payload: { sub: string; username: string; tv: number };
    user: { sub: string; username: string; tv?: number };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: a valid bearer token of an active user, loaded into request.currentUser */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler factory: authenticated and holding one of the roles */
    requireRole: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    currentUser: CurrentUser;
    /** candidate-group names of the current user ("UNIT", "UNIT/role") */
    userGroups: string[];
  }
}

export default fp(
  async (app, opts: { secret: string; expiresIn: number }) => {
    await app.register(jwt, { secret: opts.secret, sign: { expiresIn: opts.expiresIn } });
    app.decorateRequest('currentUser', null as unknown as CurrentUser);
    app.decorateRequest('userGroups', null as unknown as string[]);

    const authenticate = async (req: FastifyRequest): Promise<void> => {
      try {
        await req.jwtVerify();
      } catch {
        throw fail(401, 'NOT_SIGNED_IN', {}, 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn / Not signed in or the session has expired');
      }
      // A token without a version (signed before versions existed) counts as version 0.
      const user = await findSessionUser(app.db, Number(req.user.sub), typeof req.user.tv === 'number' ? req.user.tv : 0);
      if (user === 'inactive') throw fail(401, 'ACCOUNT_INACTIVE', {}, 'Tài khoản không còn hoạt động / The account is no longer active');
      if (user === 'revoked')
        throw fail(
          401,
          'SESSION_ENDED',
          {},
          'Phiên đăng nhập đã kết thúc (đăng xuất, đổi mật khẩu hoặc đổi quyền), vui lòng đăng nhập lại / The session has ended (signed out, password or rights changed); please sign in again',
        );
      req.currentUser = user;
      req.userGroups = candidateGroupsOf(user);
    };
    app.decorate('authenticate', authenticate);
    app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
      await authenticate(req);
      if (!req.currentUser.roles.some((r) => roles.includes(r))) {
        throw fail(403, 'ROLE_REQUIRED', { roles: roles.join(', ') }, `Cần vai trò ${roles.join(' hoặc ')} / Requires role ${roles.join(' or ')}`);
      }
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
