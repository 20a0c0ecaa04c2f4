import { isEngineUnavailable, type ZeebeClient } from './client.js';

/**
 * Zeebe's process instance migration (8.6): moves a running instance to another process definition with
 * the given element mapping. Refused by the engine when an active element has no mapping or a mapping the
 * engine does not support; the refusal's text is the engine's.
 */
export async function migrateInstance(
  zeebe: ZeebeClient,
  processInstanceKey: string,
  targetProcessDefinitionKey: string,
  mappingInstructions: { sourceElementId: string; targetElementId: string }[],
): Promise<{ ok: true } | { ok: false; code: number | null; message: string }> {
  try {
    await zeebe.migrateProcessInstance({ processInstanceKey, migrationPlan: { targetProcessDefinitionKey, mappingInstructions } });
    return { ok: true };
  } catch (err) {
    if (isEngineUnavailable(err)) throw err;
    const e = err as { code?: unknown; details?: unknown; message?: unknown };
    const message = String(e.details ?? e.message ?? err).slice(0, 2000);
    return { ok: false, code: typeof e.code === 'number' ? e.code : null, message };
  }
}

/** Sets variables on a scope (an element instance or the process instance), locally. */
export async function setLocalVariables(zeebe: ZeebeClient, elementInstanceKey: string, variables: Record<string, string>): Promise<void> {
  await zeebe.setVariables({ elementInstanceKey, variables, local: true });
}
