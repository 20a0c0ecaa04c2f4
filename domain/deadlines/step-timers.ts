import type { Knex } from 'knex';
import { loadCalendar } from './calendar-store.js';
import * as repo from './store.js';
import { toLocalIso } from './calendar/index.js';
import { unitOfGroups } from './compute.js';
import { definitionKeyOf, loadDeadlineModel } from './model.js';
import { caseLabelOf } from '../inbox/store.js';

/** Optional header on a reminder/escalation service task naming the human step it watches (default: the step its boundary event is attached to). */
export const STEP_REF_HEADER = 'eiso.step';

export type TimerOutcome =
  { kind: 'marked'; jobKey: string; recipients: string[] } | { kind: 'already'; jobKey: string } | { kind: 'gone' } | { kind: 'not-yet-in-inbox' };

interface TimerJob {
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  elementId: string;
  customHeaders: unknown;
}

/** "17:00 ngày 03/09/2031" from an instant, in Vietnam time. */
export function formatLocal(at: Date): string {
  const iso = toLocalIso(at);
  return `${iso.slice(11, 16)} ngày ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/**
 * What the reminder and the escalation timers of a human step do: find the open inbox row of the
 * watched step, mark it (reminded_at / overdue_at, once) and notify — the holder or candidates for
 * a reminder, the leaders of the step's unit (or the nearest unit above that has one) for an
 * overdue step — in one transaction, so a redelivered job changes nothing.
 */
export async function onStepTimer(db: Knex, job: TimerJob, kind: 'reminder' | 'overdue', at: Date): Promise<TimerOutcome> {
  const headers = (job.customHeaders ?? {}) as Record<string, string>;
  const model = await loadDeadlineModel(db, await definitionKeyOf(db, job), job.bpmnProcessId);
  const stepId = headers[STEP_REF_HEADER]?.trim() || model.attachedStep.get(job.elementId);
  if (!stepId)
    throw new Error(
      `Bước ${job.elementId} không gắn với bước xử lý nào (boundary event hoặc header ${STEP_REF_HEADER}) / ${job.elementId} watches no human step`,
    );
  const task = await repo.findOpenStepTask(db, job.processInstanceKey, stepId);
  if (!task) return (await repo.stepWithoutInboxRow(db, job.processInstanceKey, stepId)) ? { kind: 'not-yet-in-inbox' } : { kind: 'gone' };
  const jobKey = String(task.job_key);
  // A step of a called process is named by its root case (a case is its root process instance).
  const code = await caseLabelOf(db, String(job.processInstanceKey), task.variables);
  const due = task.due_date ? formatLocal(task.due_date) : '?';
  let recipients: string[] = [];
  if (kind === 'overdue') {
    const cal = await loadCalendar(db);
    let unit = unitOfGroups(task.candidate_groups, (c) => cal.hasUnit(c));
    if (!unit && task.assignee)
      unit = (await db('users as u').join('org_units as o', 'o.id', 'u.unit_id').where('u.username', task.assignee).first('o.code'))?.code ?? null;
    recipients = unit ? await repo.leadersAbove(db, unit, task.assignee) : [];
  } else {
    recipients = await repo.taskRecipients(db, task);
  }
  const marked = await db.transaction(async (trx) => {
    if (!(await repo.markTask(trx, jobKey, kind === 'reminder' ? 'reminded_at' : 'overdue_at', at))) return false;
    await repo.insertNotices(
      trx,
      recipients.map((recipient) =>
        kind === 'reminder'
          ? {
              recipient,
              kind: 'step_reminder' as const,
              subject: `Sắp đến hạn: ${task.name} / Due soon`,
              body: `Bước "${task.name}" của hồ sơ ${code} đến hạn lúc ${due}. / The step is due at ${toLocalIso(task.due_date ?? at)}.`,
              taskKey: jobKey,
              processInstanceKey: job.processInstanceKey,
            }
          : {
              recipient,
              kind: 'step_overdue' as const,
              subject: `Quá hạn: ${task.name} / Overdue`,
              body: `Bước "${task.name}" của hồ sơ ${code} đã quá hạn (hạn ${due}); người xử lý: ${task.assignee ?? 'chưa có người nhận'}. / The step is overdue; holder: ${task.assignee ?? 'none'}.`,
              taskKey: jobKey,
              processInstanceKey: job.processInstanceKey,
            },
      ),
    );
    return true;
  });
  return marked ? { kind: 'marked', jobKey, recipients } : { kind: 'already', jobKey };
}
