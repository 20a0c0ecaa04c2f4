import type { Knex } from 'knex';
import { fail } from '../../lib/errors.js';
import { Grpc, grpcCode, type ZeebeClient } from '../../engine/client.js';
import { ownedVariablesIn } from '../../engine/owned-variables.js';
import { caseInUnitsSql } from './scope.js';
import type { Incident } from '../../api/schemas/incidents.js';

/**
 * Incidents (issue 16, item 5): what the engine raised and nobody has fixed yet, from hist_incidents
 * (INCIDENT CREATED / RESOLVED, projected by engine/history). Each belongs to its root case (a case is
 * its root process instance), and is seen by whoever's scope covers that case: the leaders of its
 * units (their subtree) and administrators (scope null). An administrator fixes one by setting
 * variables on the instance, giving the job a retry when a job raised it, and resolving it.
 */

const SELECT = `
SELECT x.* FROM (
  SELECT i.incident_key::text AS incident_key, i.error_type, i.error_message, i.element_id, i.element_instance_key::text AS element_instance_key,
         i.process_instance_key::text AS instance_key, i.bpmn_process_id, i.job_key::text AS job_key, i.state, i.created_time, i.resolved_time,
         COALESCE(h.root_process_instance_key, i.process_instance_key) AS process_instance_key,
         e.element_name, d.name AS process_name,
         (SELECT v.value #>> '{}' FROM hist_variables v
           WHERE v.scope_key = COALESCE(h.root_process_instance_key, i.process_instance_key) AND v.name = 'maHoSo') AS case_code
    FROM hist_incidents i
    LEFT JOIN hist_process_instances h ON h.process_instance_key = i.process_instance_key
    LEFT JOIN hist_element_instances e ON e.element_instance_key = i.element_instance_key
    LEFT JOIN process_definitions d ON d.process_definition_key = i.process_definition_key
) x`;

interface IncidentRow {
  incident_key: string;
  error_type: string;
  error_message: string | null;
  element_id: string;
  element_instance_key: string;
  instance_key: string;
  bpmn_process_id: string;
  job_key: string | null;
  state: 'created' | 'resolved';
  created_time: Date;
  resolved_time: Date | null;
  process_instance_key: string;
  element_name: string | null;
  process_name: string | null;
  case_code: string | null;
}

function toIncident(r: IncidentRow): Incident {
  return {
    incidentKey: r.incident_key,
    errorType: r.error_type,
    errorMessage: r.error_message,
    elementId: r.element_id,
    elementName: r.element_name,
    processInstanceKey: r.instance_key,
    bpmnProcessId: r.bpmn_process_id,
    processName: r.process_name,
    jobKey: r.job_key,
    state: r.state,
    created: r.created_time.toISOString(),
    resolved: r.resolved_time ? r.resolved_time.toISOString() : null,
    rootCase: { processInstanceKey: String(r.process_instance_key), caseCode: r.case_code },
  };
}

/** Open incidents (newest first, at most 500) within the scope (unit codes; null: all). */
export async function listOpenIncidents(db: Knex, scope: string[] | null): Promise<Incident[]> {
  const res = await db.raw(
    `${SELECT} WHERE x.state = 'created' ${scope ? `AND ${caseInUnitsSql('x')}` : ''} ORDER BY x.created_time DESC LIMIT 500`,
    scope ? [scope, scope] : [],
  );
  return (res.rows as IncidentRow[]).map(toIncident);
}

/** One incident within the scope, or undefined. */
export async function findIncident(db: Knex, incidentKey: string, scope: string[] | null): Promise<Incident | undefined> {
  const res = await db.raw(
    `${SELECT} WHERE x.incident_key = ? ${scope ? `AND ${caseInUnitsSql('x')}` : ''}`,
    scope ? [incidentKey, scope, scope] : [incidentKey],
  );
  const row = res.rows[0] as IncidentRow | undefined;
  return row ? toIncident(row) : undefined;
}

/** Whether the case (root instance key) has an open incident in it or in a process it called. */
export async function caseHasOpenIncident(db: Knex | Knex.Transaction, rootKey: string): Promise<boolean> {
  const res = await db.raw(
    `SELECT 1 FROM hist_incidents i WHERE i.state = 'created'
        AND (i.process_instance_key = ? OR i.process_instance_key IN (SELECT h.process_instance_key FROM hist_process_instances h WHERE h.root_process_instance_key = ?))
      LIMIT 1`,
    [rootKey, rootKey],
  );
  return res.rows.length > 0;
}

const notFound = (key: string) => fail(404, 'INCIDENT_NOT_FOUND', { key }, `Không có sự cố ${key} / No incident ${key}`);

/**
 * Fixes an open incident: sets the given variables on its process instance (propagated to where they
 * are defined, else the process scope), gives the job one retry when a job raised it, then resolves
 * it (the engine's ResolveIncident). Variables the platform owns are refused. Idempotent for the
 * caller: an incident the engine no longer knows answers INCIDENT_RESOLVED.
 */
export async function fixIncident(
  db: Knex,
  zeebe: ZeebeClient,
  incidentKey: string,
  variables: Record<string, unknown>,
  scope: string[] | null,
): Promise<Incident> {
  const incident = await findIncident(db, incidentKey, scope);
  if (!incident) throw notFound(incidentKey);
  if (incident.state !== 'created')
    throw fail(409, 'INCIDENT_RESOLVED', { key: incidentKey }, `Sự cố ${incidentKey} đã được xử lý / Incident ${incidentKey} is already resolved`);
  const owned = ownedVariablesIn(variables);
  if (owned.length)
    throw fail(
      400,
      'OWNED_VARIABLES',
      { names: owned.join(', ') },
      `Không được đặt các biến do hệ thống quản lý: ${owned.join(', ')} / These variables are set by the platform only: ${owned.join(', ')}`,
    );
  try {
    if (Object.keys(variables).length > 0) await zeebe.setVariables({ elementInstanceKey: incident.processInstanceKey, variables, local: false });
    if (incident.jobKey) await zeebe.updateJobRetries({ jobKey: incident.jobKey, retries: 1 });
    await zeebe.resolveIncident({ incidentKey });
  } catch (err) {
    if (grpcCode(err) === Grpc.NOT_FOUND)
      throw fail(409, 'INCIDENT_RESOLVED', { key: incidentKey }, `Sự cố ${incidentKey} đã được xử lý / Incident ${incidentKey} is already resolved`);
    throw err;
  }
  return incident;
}
