import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { migrateInstance, setLocalVariables } from '../../engine/migrate.js';
import { toLocalIso } from '../deadlines/calendar/index.js';
import { appendAudit } from '../audit/chain.js';
import { getDossier, insertEvent as insertDossierEvent, queueNotice } from '../onestop/dossiers.js';
import { vnTime } from '../onestop/time-text.js';
import { buildPlan, type CasePlan, type InstancePlan, type Reason, type VersionRef } from './plan.js';

/**
 * Moves chosen running cases of an old version to the new one (issue 20, item 1), per case:
 * 1. the plan is computed again for that case (what the administrator saw may have moved on);
 * 2. the steps whose due dates move get their new dates in their variables (eisoStepDue, eisoStepRemind:
 *    the new version's boundary timers read them) and the case its new eisoAppointment;
 * 3. Zeebe migrates the case (the active elements mapped by id; the boundary timers of a step whose
 *    dates stay are mapped, so they keep their dates) and then each called instance whose process has a
 *    newer published version; a refusal names the case (or the called instance) with the engine's words,
 *    and the variables are put back;
 * 4. the platform's records follow: step_deadlines, the inbox rows, case_deadlines, the dossier's
 *    version and appointment; case_migrations keeps the dates before and after; one audit entry per case;
 *    the citizen is told when the appointment moves.
 * A case already moved to the target does nothing (case_migrations, or the engine's record of its version).
 */

export const MAX_CASES_PER_CALL = 50;

export interface Actor {
  username: string;
  roles: string[];
  unitCode: string | null;
  ip?: string | null;
}

export type CaseOutcome =
  | {
      processInstanceKey: string;
      outcome: 'migrated';
      appointmentMoved: boolean;
      called: { processInstanceKey: string; outcome: 'migrated' | 'stays' | 'refused'; reasons: Reason[] }[];
    }
  | { processInstanceKey: string; outcome: 'already' }
  | { processInstanceKey: string; outcome: 'refused'; reasons: Reason[] };

const refusedBy = (message: string): Reason => ({
  code: 'LAW_MIGRATION_ENGINE_REFUSED',
  params: { detail: message.slice(0, 500) },
  message: `Máy chủ quy trình từ chối chuyển hồ sơ / The engine refused the migration: ${message.slice(0, 500)}`,
});

async function setStepVariables(zeebe: ZeebeClient, inst: InstancePlan, which: 'before' | 'after') {
  for (const s of inst.steps) {
    if (s.rule === 'unchanged-limit' || s.rule === 'received-before') continue;
    const t = s[which];
    await setLocalVariables(zeebe, s.elementInstanceKey, { eisoStepDue: toLocalIso(t.due), eisoStepRemind: toLocalIso(t.remind) });
  }
}

const moves = (a: { before: Date; after: Date } | null) => Boolean(a && a.before.getTime() !== a.after.getTime());

/** Migrates one instance (the case or a called one) with its steps' new dates; the engine's refusal when it refused. */
async function migrateOne(zeebe: ZeebeClient, inst: InstancePlan): Promise<{ ok: true } | { ok: false; reason: Reason }> {
  if (!inst.target) return { ok: true };
  await setStepVariables(zeebe, inst, 'after');
  const r = await migrateInstance(zeebe, inst.processInstanceKey, inst.target.processDefinitionKey, inst.mapping);
  if (!r.ok) {
    await setStepVariables(zeebe, inst, 'before');
    return { ok: false, reason: refusedBy(r.message) };
  }
  return { ok: true };
}

/** The platform's records of an instance that moved: its open steps' due dates, its inbox rows' version. */
async function recordInstance(trx: Knex.Transaction, inst: InstancePlan): Promise<void> {
  if (!inst.target) return;
  for (const s of inst.steps) {
    await trx('step_deadlines')
      .where({ element_instance_key: s.elementInstanceKey })
      .update({ due_at: s.after.due, remind_at: s.after.remind, time_limit_days: s.limitAfter, process_definition_key: inst.target.processDefinitionKey });
    await trx('inbox_tasks')
      .where({ element_instance_key: s.elementInstanceKey })
      .whereIn('status', ['open', 'completing'])
      .update({ due_date: s.after.due, updated_at: trx.raw('eiso_now()') });
  }
  await trx('inbox_tasks')
    .where({ process_instance_key: inst.processInstanceKey })
    .whereIn('status', ['open', 'completing'])
    .update({ process_definition_key: inst.target.processDefinitionKey, process_version: inst.target.version, updated_at: trx.raw('eiso_now()') });
}

const datesOf = (c: CasePlan) => ({
  appointment: c.appointment ? { before: c.appointment.before.toISOString(), after: c.appointment.after.toISOString(), rule: c.appointment.rule } : null,
  steps: [c, ...c.called].flatMap((i) =>
    i.steps.map((s) => ({
      processInstanceKey: i.processInstanceKey,
      elementId: s.elementId,
      limitBefore: s.limitBefore,
      limitAfter: s.limitAfter,
      dueBefore: s.before.due.toISOString(),
      dueAfter: s.after.due.toISOString(),
      rule: s.rule,
    })),
  ),
});

async function recordRefusal(db: Knex, c: CasePlan, to: VersionRef, reasons: Reason[], actor: Actor) {
  await db.transaction(async (trx) => {
    await trx('case_migrations').insert({
      process_instance_key: c.processInstanceKey,
      root_process_instance_key: c.processInstanceKey,
      bpmn_process_id: c.bpmnProcessId,
      from_version: c.fromVersion,
      to_version: to.version,
      to_process_definition_key: to.processDefinitionKey,
      outcome: 'refused',
      reason_code: reasons[0]?.code ?? null,
      reason_params: JSON.stringify(reasons[0]?.params ?? {}),
      reason_message: reasons.map((r) => r.message).join('\n'),
      mapping: JSON.stringify(c.mapping),
      dates: JSON.stringify(datesOf(c)),
      actor: actor.username,
    });
    await appendAudit(trx, {
      actor: actor.username,
      actorRoles: actor.roles,
      actorUnit: actor.unitCode,
      action: 'case.migration_refused',
      targetType: 'case',
      targetId: c.processInstanceKey,
      before: { bpmnProcessId: c.bpmnProcessId, version: c.fromVersion },
      after: { version: to.version, reasons: reasons.map((r) => ({ code: r.code, params: r.params })) },
      reason: reasons
        .map((r) => r.message)
        .join('; ')
        .slice(0, 2000),
      ip: actor.ip ?? null,
    });
  });
}

/** Executes the migration of the chosen cases (at most MAX_CASES_PER_CALL; the caller checks), in the given order. */
export async function migrateCases(db: Knex, zeebe: ZeebeClient, from: VersionRef, to: VersionRef, keys: string[], actor: Actor): Promise<CaseOutcome[]> {
  const out: CaseOutcome[] = [];
  for (const key of keys) {
    // one administrator at a time per case: a second run waits for the lock, then finds it migrated
    out.push(
      await db.transaction(async (lock) => {
        await lock.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`eiso-case-migration:${key}`]);
        return migrateCase(db, zeebe, from, to, key, actor);
      }),
    );
  }
  return out;
}

async function migrateCase(db: Knex, zeebe: ZeebeClient, from: VersionRef, to: VersionRef, key: string, actor: Actor): Promise<CaseOutcome> {
  const plan = await buildPlan(db, from, to, [key]);
  const c = plan.cases[0];
  if (!c) {
    return {
      processInstanceKey: key,
      outcome: 'refused',
      reasons: [
        {
          code: 'LAW_MIGRATION_CASE_UNKNOWN',
          params: { case: key, version: from.version },
          message: `Hồ sơ ${key} không phải hồ sơ của phiên bản ${from.version} / Case ${key} is no case of version ${from.version}`,
        },
      ],
    };
  }
  if (c.migrated) return { processInstanceKey: key, outcome: 'already' };
  if (!c.migratable) {
    await recordRefusal(db, c, to, c.reasons, actor);
    return { processInstanceKey: key, outcome: 'refused', reasons: c.reasons };
  }
  if (moves(c.appointment)) await setLocalVariables(zeebe, key, { eisoAppointment: toLocalIso(c.appointment!.after) });
  const done = await migrateOne(zeebe, c);
  if (!done.ok) {
    if (moves(c.appointment)) await setLocalVariables(zeebe, key, { eisoAppointment: toLocalIso(c.appointment!.before) });
    await recordRefusal(db, c, to, [done.reason], actor);
    return { processInstanceKey: key, outcome: 'refused', reasons: [done.reason] };
  }
  // the called instances: each to its process's newer published version, if it has one
  const called: Extract<CaseOutcome, { outcome: 'migrated' }>['called'] = [];
  const movedCalled: InstancePlan[] = [];
  for (const i of c.called) {
    if (!i.target) {
      called.push({ processInstanceKey: i.processInstanceKey, outcome: i.migratable ? 'stays' : 'refused', reasons: i.reasons });
      continue;
    }
    if (!i.migratable) {
      called.push({ processInstanceKey: i.processInstanceKey, outcome: 'refused', reasons: i.reasons });
      continue;
    }
    const r = await migrateOne(zeebe, i);
    if (r.ok) movedCalled.push(i);
    called.push(
      r.ok
        ? { processInstanceKey: i.processInstanceKey, outcome: 'migrated', reasons: [] }
        : { processInstanceKey: i.processInstanceKey, outcome: 'refused', reasons: [r.reason] },
    );
  }
  const appointmentMoved = moves(c.appointment);
  await db.transaction(async (trx) => {
    await recordInstance(trx, c);
    for (const i of movedCalled) await recordInstance(trx, i);
    await trx('case_deadlines')
      .where({ process_instance_key: key })
      .update({
        process_definition_key: to.processDefinitionKey,
        ...(c.appointment ? { time_limit_days: c.appointment.limitAfter.value, time_limit_unit: c.appointment.limitAfter.unit } : {}),
        ...(appointmentMoved ? { appointment_at: c.appointment!.after } : {}),
        updated_at: trx.raw('eiso_now()'),
      });
    await trx('case_migrations').insert({
      process_instance_key: key,
      root_process_instance_key: key,
      bpmn_process_id: c.bpmnProcessId,
      from_version: c.fromVersion,
      to_version: to.version,
      to_process_definition_key: to.processDefinitionKey,
      outcome: 'migrated',
      mapping: JSON.stringify(c.mapping),
      dates: JSON.stringify({ ...datesOf(c), called }),
      actor: actor.username,
    });
    if (c.dossierId) {
      await trx('dossiers')
        .where({ id: c.dossierId })
        .update({ process_version: to.version, ...(appointmentMoved ? { appointment_at: c.appointment!.after } : {}), updated_at: trx.raw('eiso_now()') });
      if (appointmentMoved) {
        const d = (await getDossier(trx, c.dossierId))!;
        const doc = to.legalChange ? `văn bản ${to.legalChange.number}` : `phiên bản ${to.version} của quy trình`;
        const event = await insertDossierEvent(trx, c.dossierId, {
          type: 'processing.law_change',
          actor: actor.username,
          note: `Thời hạn giải quyết thay đổi theo ${doc}: ngày hẹn trả kết quả chuyển từ ${vnTime(c.appointment!.before)} sang ${vnTime(c.appointment!.after)} / The time limit changed with a new legal document: the appointment moved from ${vnTime(c.appointment!.before)} to ${vnTime(c.appointment!.after)}`,
          data: {
            before: c.appointment!.before.toISOString(),
            after: c.appointment!.after.toISOString(),
            version: to.version,
            legalDocument: to.legalChange?.number ?? null,
          },
          dedupeKey: `${key}:${to.processDefinitionKey}`,
        });
        if (event) await queueNotice(trx, d, event, {});
      }
    }
    await appendAudit(trx, {
      actor: actor.username,
      actorRoles: actor.roles,
      actorUnit: actor.unitCode,
      action: 'case.migrate',
      targetType: 'case',
      targetId: key,
      before: { bpmnProcessId: c.bpmnProcessId, version: c.fromVersion, appointment: c.appointment?.before.toISOString() ?? null },
      after: {
        version: to.version,
        legalDocument: to.legalChange?.number ?? null,
        changeDate: plan.rule.changeDate,
        dueDatePolicy: plan.rule.policy,
        mapping: c.mapping,
        ...datesOf(c),
        called,
      },
      reason: to.legalChange ? `Văn bản ${to.legalChange.number} thay đổi / Legal document ${to.legalChange.number} changed` : null,
      ip: actor.ip ?? null,
    });
  });
  return { processInstanceKey: key, outcome: 'migrated', appointmentMoved, called };
}
