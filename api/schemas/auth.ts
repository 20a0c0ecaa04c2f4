import { Type, type Static } from 'typebox';
import { ROLES, type RoleName } from '../../engine/step-meta.js';

/** One of the platform's roles (engine/step-meta.ts ROLES, the one definition). */
export const Role = Type.Unsafe<RoleName>({ type: 'string', enum: [...ROLES] });
export type Role = RoleName;

export const UnitRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
});
export type UnitRef = Static<typeof UnitRef>;

export const CurrentUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  fullName: Type.String(),
  roles: Type.Array(Role),
  unit: UnitRef,
});
export type CurrentUser = Static<typeof CurrentUser>;

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const LoginReply = Type.Object({
  token: Type.String(),
  expiresIn: Type.Integer({ description: 'seconds' }),
  user: CurrentUser,
});
export type LoginReply = Static<typeof LoginReply>;

export const PasswordChangeBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
  newPassword: Type.String({ minLength: 1, maxLength: 200, description: 'at least 10 characters, not the username, not a common password' }),
});
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;
