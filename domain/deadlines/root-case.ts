import type { Knex } from 'knex';
import { engineRootInstanceKey, type InstanceLinks } from '../../engine/process-binding.js';
import { getCaseDeadline } from './store.js';

/** How long a deadline listener waits for the engine's record of its instance before retrying the job. */
export const ROOT_WAIT_MS = 3_000;
const POLL_MS = 20;

/**
 * The case a deadline listener's instance belongs to (a case is its root process instance): the
 * root's key and, for a called instance, the root case's appointment (ngày hẹn trả), which every
 * deadline inside the called process counts within. The root comes from the engine's own records
 * (engine/process-binding.ts engineRootInstanceKey), never from a process variable. Waits up to
 * `waitMs` for the instance's record to be exported; null if it still is not. `firstRead`: see
 * engineRootInstanceKey.
 */
export async function caseOfInstance(
  db: Knex,
  processInstanceKey: string,
  waitMs = ROOT_WAIT_MS,
  firstRead?: InstanceLinks | null,
): Promise<{ rootKey: string; called: boolean; rootAppointmentAt: Date | null } | null> {
  const own = String(processInstanceKey);
  const until = Date.now() + waitMs;
  let rootKey = await engineRootInstanceKey(db, own, firstRead);
  while (rootKey === null && Date.now() < until) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    rootKey = await engineRootInstanceKey(db, own);
  }
  if (rootKey === null) return null;
  if (rootKey === own) return { rootKey, called: false, rootAppointmentAt: null };
  const root = await getCaseDeadline(db, rootKey);
  return { rootKey, called: true, rootAppointmentAt: root?.appointment_at ?? null };
}

/** What a deadline listener does when the engine's record of its instance has not been exported yet: retry shortly, and on its last try count the step on its own. */
export const ROOT_UNKNOWN_MESSAGE =
  'Chưa nhận được bản ghi của quy trình từ máy chủ quy trình (chưa biết hồ sơ gốc) / The engine has not exported the instance yet (root case unknown)';
