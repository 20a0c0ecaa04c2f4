import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZeebeClient } from './client.js';
import { validateBpmn, type ValidationIssue } from './validate.js';
import { applyDeadlinePattern } from './deadline-pattern.js';
import { insertProcessDefinition, insertProcessForm, upsertForm } from './definitions.js';

export class BpmnValidationError extends Error {
  constructor(public readonly issues: ValidationIssue[]) {
    super(issues.map((i) => (i.elementId ? `${i.elementId}: ${i.message}` : i.message)).join('; '));
  }
}

export interface DeployInput {
  resourceName: string;
  xml: string;
  forms?: Record<string, unknown>;
  deployedBy?: number | null;
}

export interface DeployOutcome {
  deploymentKey: string;
  processes: { bpmnProcessId: string; version: number; processDefinitionKey: string }[];
  warnings: ValidationIssue[];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Validates, completes the deadline pattern (engine/deadline-pattern.ts), deploys to Zeebe and records
 * the BPMN resource as deployed, with its forms. Nothing reaches Zeebe when validation finds an error.
 * Zeebe itself skips identical redeploys (same version returned).
 */
export async function deployProcess(zeebe: ZeebeClient, db: Knex, input: DeployInput): Promise<DeployOutcome> {
  const checked = await validateBpmn(input.xml);
  if (!checked.ok) throw new BpmnValidationError(checked.errors);
  // Time limits set on steps become listeners and timers here, so every deployed model runs its deadlines.
  const { xml } = await applyDeadlinePattern(input.xml);
  const result = xml === input.xml ? checked : await validateBpmn(xml);
  if (!result.ok) throw new BpmnValidationError(result.errors);
  const res = await zeebe.deployResource({ process: Buffer.from(xml, 'utf8'), name: input.resourceName });
  const deployed = res.deployments.map((d) => d.process).filter((p): p is NonNullable<typeof p> => Boolean(p));
  await db.transaction(async (trx) => {
    for (const p of deployed) {
      const meta = result.processes.find((x) => x.id === p.bpmnProcessId);
      await insertProcessDefinition(trx, {
        process_definition_key: String(p.processDefinitionKey),
        bpmn_process_id: p.bpmnProcessId,
        name: meta?.name ?? p.bpmnProcessId,
        version: p.version,
        resource_name: input.resourceName,
        deployment_key: String(res.key),
        xml,
        element_names: meta?.elementNames ?? {},
        checksum: sha256(xml),
        deployed_by: input.deployedBy ?? null,
      });
    }
    for (const [id, schema] of Object.entries(input.forms ?? {})) {
      const formKey = id.startsWith('app:') ? id : `app:${id}`;
      const checksum = sha256(JSON.stringify(schema));
      // The latest schema per key (for tasks of processes deployed before versioned forms), and the
      // schema of each version deployed now, which its running instances keep.
      await upsertForm(trx, formKey, schema, checksum);
      for (const p of deployed) await insertProcessForm(trx, String(p.processDefinitionKey), formKey, schema, checksum);
    }
  });
  return {
    deploymentKey: String(res.key),
    processes: deployed.map((p) => ({ bpmnProcessId: p.bpmnProcessId, version: p.version, processDefinitionKey: String(p.processDefinitionKey) })),
    warnings: result.warnings,
  };
}
