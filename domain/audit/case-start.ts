import type { Knex } from 'knex';
import { appendAudit } from './chain.js';
import type { Continuation, StartResult } from '../../engine/outbox.js';

/** Continuation of a case started through POST /api/process-instances: the audit entry, once. */
export const CASE_START_DONE = 'api.case.start';

export interface CaseStartArgs {
  actor: string;
  actorRoles: string[];
  actorUnit: string;
  ip: string | null;
  variables: Record<string, unknown>;
}

/** Declared by domain/audit/index.ts under CASE_START_DONE. */
export const onCaseStarted: Continuation = async (trx: Knex.Transaction, { result, args }) => {
  const r = result as StartResult;
  const a = args as CaseStartArgs;
  await appendAudit(trx, {
    actor: a.actor,
    actorRoles: a.actorRoles,
    actorUnit: a.actorUnit,
    action: 'case.start',
    targetType: 'case',
    targetId: r.processInstanceKey,
    after: { bpmnProcessId: r.bpmnProcessId, version: r.version, variables: a.variables },
    ip: a.ip,
  });
};
