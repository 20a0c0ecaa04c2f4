import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

/** The BPMN document of a PROCESS record (base64), or null when it carries a DTD (never in BPMN; refused rather than parsed). */
function decode(base64: string): string | null {
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  return /<!DOCTYPE|<!ENTITY/i.test(xml) ? null : xml;
}

/**
 * element id -> name for every named element of a BPMN document (the resource Zeebe exports with
 * each PROCESS record, base64). Unparsable documents give an empty map: names are a convenience.
 */
export async function elementNamesFromResource(base64: string): Promise<Record<string, string>> {
  return (await processFromResource(base64))?.elementNames ?? {};
}

/** What the platform records of a deployed version it learns from the exported stream. */
export interface ExportedProcess {
  xml: string;
  /** element id -> name of every named element (processes included) */
  elementNames: Record<string, string>;
  /** forms embedded in the model (zeebe:userTaskForm): formKey "camunda-forms:bpmn:<id>" -> form-js schema */
  embeddedForms: Record<string, unknown>;
}

interface FormNode {
  $type: string;
  id?: string;
  body?: string;
}

/** Reads a PROCESS record's resource; null when it is not a BPMN document the platform can read. */
export async function processFromResource(base64: string): Promise<ExportedProcess | null> {
  const xml = decode(base64);
  if (xml === null) return null;
  const parsed = (await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml)) as unknown as {
    rootElement?: { rootElements?: { $type: string; extensionElements?: { values?: FormNode[] } }[] };
    elementsById?: Record<string, { name?: unknown }>;
  };
  const elementNames: Record<string, string> = {};
  for (const [id, element] of Object.entries(parsed.elementsById ?? {})) {
    if (typeof element.name === 'string' && element.name.trim() !== '') elementNames[id] = element.name.trim();
  }
  const embeddedForms: Record<string, unknown> = {};
  for (const root of parsed.rootElement?.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process') continue;
    for (const v of root.extensionElements?.values ?? []) {
      if (v.$type !== 'zeebe:UserTaskForm' || !v.id || !v.body) continue;
      try {
        const schema: unknown = JSON.parse(v.body);
        if (schema && typeof schema === 'object' && !Array.isArray(schema)) embeddedForms[`camunda-forms:bpmn:${v.id}`] = schema;
      } catch {
        /* not a form-js schema: the step shows without a form */
      }
    }
  }
  return { xml, elementNames, embeddedForms };
}
