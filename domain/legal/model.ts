import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

/** The flow nodes of a deployed process version, for proposing an element mapping between two versions. */
export interface ModelElement {
  id: string;
  type: string;
  name: string;
  /** the element a boundary event is attached to */
  attachedTo: string | null;
  /** an event sub-process (triggeredByEvent) */
  eventSubProcess: boolean;
}

interface El {
  $type: string;
  id?: string;
  name?: string;
  flowElements?: El[];
  rootElements?: El[];
  attachedToRef?: El;
  triggeredByEvent?: boolean;
}

const cache = new Map<string, Promise<Map<string, ModelElement>>>();

/** Every flow node of the process (sub-processes walked into), by id; sequence flows left out. */
export async function readElements(xml: string, processId: string): Promise<Map<string, ModelElement>> {
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const process = ((rootElement as El).rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === processId);
  const out = new Map<string, ModelElement>();
  const walk = (scope: El, depth: number) => {
    for (const el of scope.flowElements ?? []) {
      if (!el.id || el.$type === 'bpmn:SequenceFlow') continue;
      out.set(el.id, {
        id: el.id,
        type: el.$type,
        name: el.name?.trim() || el.id,
        attachedTo: el.attachedToRef?.id ?? null,
        eventSubProcess: Boolean(el.triggeredByEvent),
      });
      if (el.flowElements && depth < 32) walk(el, depth + 1);
    }
  };
  if (process) walk(process, 0);
  return out;
}

/** readElements of a deployed version, cached by its definition key (a deployed version never changes). */
export function elementsOf(definitionKey: string, xml: string, processId: string): Promise<Map<string, ModelElement>> {
  let hit = cache.get(definitionKey);
  if (!hit) {
    hit = readElements(xml, processId);
    hit.catch(() => cache.delete(definitionKey));
    if (cache.size >= 200) cache.delete(cache.keys().next().value!);
    cache.set(definitionKey, hit);
  }
  return hit;
}

/** The deadline pattern's timers on a human step (engine/deadline-pattern.ts): their ids end so. */
export const isDeadlineTimer = (e: ModelElement) => e.type === 'bpmn:BoundaryEvent' && /_(?:NhacHan|QuaHan)(?:_\d+)?$/u.test(e.id);

export interface ProposedMapping {
  /** same id and type in both versions */
  mapped: { sourceElementId: string; targetElementId: string; type: string; name: string }[];
  /** in the old version only (or another type in the new one): a case waiting there cannot move */
  removed: { elementId: string; type: string; name: string; targetType: string | null }[];
  /** new in the target */
  added: { elementId: string; type: string; name: string }[];
}

/** The mapping the diff proposes: an element keeps its id and type → mapped; renamed or removed → not. */
export function proposeMapping(source: Map<string, ModelElement>, target: Map<string, ModelElement>): ProposedMapping {
  const mapped: ProposedMapping['mapped'] = [];
  const removed: ProposedMapping['removed'] = [];
  for (const s of source.values()) {
    const t = target.get(s.id);
    if (t && t.type === s.type) mapped.push({ sourceElementId: s.id, targetElementId: t.id, type: s.type, name: t.name });
    else removed.push({ elementId: s.id, type: s.type, name: s.name, targetType: t?.type ?? null });
  }
  const added = [...target.values()].filter((t) => !source.has(t.id)).map((t) => ({ elementId: t.id, type: t.type, name: t.name }));
  return { mapped, removed, added };
}
