import { BpmnModdle } from 'bpmn-moddle';

/**
 * element id -> name for every named element of a BPMN document (the resource Zeebe exports with
 * each PROCESS record, base64). Unparsable documents give an empty map: names are a convenience.
 */
export async function elementNamesFromResource(base64: string): Promise<Record<string, string>> {
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  // No DTDs in BPMN; refuse them rather than hand them to the XML parser.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return {};
  const parsed = (await new BpmnModdle().fromXML(xml)) as unknown as { elementsById?: Record<string, { name?: unknown }> };
  const names: Record<string, string> = {};
  for (const [id, element] of Object.entries(parsed.elementsById ?? {})) {
    if (typeof element.name === 'string' && element.name.trim() !== '') names[id] = element.name;
  }
  return names;
}
