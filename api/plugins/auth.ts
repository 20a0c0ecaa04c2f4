import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentUser, Role } from '../schemas/auth.js';
import { findCurrentUser, candidateGroupsOf } from '../repositories/users.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; username: string };
    user: { sub: string; username: string };
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
        throw app.httpErrors.unauthorized('Phiên đăng nhập không hợp lệ hoặc đã hết hạn / Not signed in or the session has expired');
      }
      const user = await findCurrentUser(app.db, Number(req.user.sub));
      if (!user) throw app.httpErrors.unauthorized('Tài khoản không còn hoạt động / The account is no longer active');
      req.currentUser = user;
      req.userGroups = candidateGroupsOf(user);
    };
    app.decorate('authenticate', authenticate);
    app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
      await authenticate(req);
      if (!req.currentUser.roles.some((r) => roles.includes(r))) {
        throw app.httpErrors.forbidden(`Cần vai trò ${roles.join(' hoặc ')} / Requires role ${roles.join(' or ')}`);
      }
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
