import type { CurrentUser } from '../../../../api/schemas/auth.js';

/** Designers and administrators draw, publish and retire procedures; everyone else reads. */
export function canDesign(user: CurrentUser | undefined): boolean {
  return Boolean(user?.roles.some((r) => r === 'designer' || r === 'admin'));
}
