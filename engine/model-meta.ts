import type { Knex } from 'knex';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { stepMetaFromHeaders, type StepMeta } from './step-meta.js';
import { headersOf } from './validate.js';
import { variablesOfFeel } from './feel-names.js';

/** BPMN error code that sends a step back to the previous one (an error boundary event catches it). */
export const SEND_BACK_ERROR_CODE = 'SEND_BACK';

/** Where a step's send-back path leads: the boundary event and the first human step reached from it. */
export interface SendBackPath {
  boundaryEventId: string;
  /** The user task the case returns to, following the flow through gateways; null when none is found. */
  targetElementId: string | null;
  targetName: string | null;
}

/** What the task view shows about a step, read from the deployed model. */
export interface ElementMeta {
  id: string;
  name: string;
  type: string;
  meta: StepMeta;
  sendBack: SendBackPath | null;
  /**
   * For a user task: the variables its model reads when it ends (sources of its output mappings, the
   * conditions of the gateways right after it). A completion of a step without a form may set only these.
   */
  completionVariables?: string[];
}

export interface DeployedModel {
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
  xml: string;
  elements: Map<string, ElementMeta>;
}

interface Node {
  $type: string;
  id?: string;
  name?: string;
  flowElements?: Node[];
  rootElements?: Node[];
  extensionElements?: { values?: Node[] };
  eventDefinitions?: { $type: string; errorRef?: { errorCode?: string } }[];
  attachedToRef?: Node;
  outgoing?: { targetRef?: Node }[];
  sourceRef?: Node;
  targetRef?: Node;
  conditionExpression?: { body?: string };
  cancelActivity?: boolean;
  outputParameters?: { source?: string; target?: string }[];
}

/**
 * What a user task's completion feeds: output mapping sources and the conditions of the gateways
 * after it (followed through gateways only). Flows are read from the sequence flows of the scope, not
 * from `outgoing`, which a file may leave out.
 */
function completionVariablesOf(task: Node, flowsFrom: Map<string, Node[]>): string[] {
  const names = new Set<string>();
  for (const v of task.extensionElements?.values ?? []) {
    if (v.$type !== 'zeebe:IoMapping') continue;
    for (const o of v.outputParameters ?? []) for (const n of variablesOfFeel(o.source ?? '')) names.add(n);
  }
  const seen = new Set<string>();
  const queue = (flowsFrom.get(task.id!) ?? []).map((f) => f.targetRef).filter((n): n is Node => Boolean(n));
  while (queue.length) {
    const n = queue.shift()!;
    if (!n.id || seen.has(n.id) || !/Gateway$/.test(n.$type)) continue;
    seen.add(n.id);
    for (const f of flowsFrom.get(n.id) ?? []) {
      for (const v of variablesOfFeel(f.conditionExpression?.body ?? '')) names.add(v);
      if (f.targetRef) queue.push(f.targetRef);
    }
  }
  return [...names];
}

function collect(container: Node, out: Node[] = []): Node[] {
  for (const el of container.flowElements ?? []) {
    out.push(el);
    if (el.flowElements) collect(el, out);
  }
  return out;
}

/** The first user task reached from a node, through gateways and events (breadth first). */
function firstUserTaskFrom(start: Node): Node | null {
  const seen = new Set<string>();
  const queue = (start.outgoing ?? []).map((f) => f.targetRef).filter((n): n is Node => Boolean(n));
  while (queue.length) {
    const n = queue.shift()!;
    if (!n.id || seen.has(n.id)) continue;
    seen.add(n.id);
    if (n.$type === 'bpmn:UserTask') return n;
    if (/Gateway$|Event$/.test(n.$type)) queue.push(...(n.outgoing ?? []).map((f) => f.targetRef).filter((x): x is Node => Boolean(x)));
  }
  return null;
}

/** Reads every flow element's step settings and send-back path from a BPMN file. */
export async function readModelMeta(xml: string, bpmnProcessId: string): Promise<Map<string, ElementMeta>> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = await moddle.fromXML(xml);
  const process = ((rootElement as Node).rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === bpmnProcessId);
  const out = new Map<string, ElementMeta>();
  if (!process) return out;
  const all = collect(process);
  for (const el of all) {
    if (!el.id) continue;
    out.set(el.id, { id: el.id, name: el.name?.trim() || el.id, type: el.$type, meta: stepMetaFromHeaders(headersOf(el as never)), sendBack: null });
  }
  const flowsFrom = new Map<string, Node[]>();
  for (const f of all) if (f.$type === 'bpmn:SequenceFlow' && f.sourceRef?.id) flowsFrom.set(f.sourceRef.id, [...(flowsFrom.get(f.sourceRef.id) ?? []), f]);
  for (const el of all) if (el.$type === 'bpmn:UserTask' && el.id) out.get(el.id)!.completionVariables = completionVariablesOf(el, flowsFrom);
  for (const ev of all) {
    if (ev.$type !== 'bpmn:BoundaryEvent' || !ev.id || !ev.attachedToRef?.id || ev.cancelActivity === false) continue;
    const catchesSendBack = (ev.eventDefinitions ?? []).some((d) => d.$type === 'bpmn:ErrorEventDefinition' && d.errorRef?.errorCode === SEND_BACK_ERROR_CODE);
    const host = out.get(ev.attachedToRef.id);
    if (!catchesSendBack || !host) continue;
    const target = firstUserTaskFrom(ev);
    host.sendBack = { boundaryEventId: ev.id, targetElementId: target?.id ?? null, targetName: target ? target.name?.trim() || target.id! : null };
  }
  return out;
}

/** Parsed models by processDefinitionKey: a deployed version never changes, so it is parsed once. */
const cache = new Map<string, Promise<DeployedModel | null>>();
const CACHE_LIMIT = 200;

/**
 * The deployed model of a process version (process_definitions), parsed and cached. Looked up by
 * definition key, or by process id and version when the key is unknown (0).
 */
export function deployedModel(db: Knex, ref: { processDefinitionKey: string; bpmnProcessId: string; version: number }): Promise<DeployedModel | null> {
  const cacheKey = ref.processDefinitionKey !== '0' ? ref.processDefinitionKey : `${ref.bpmnProcessId}@${ref.version}`;
  let hit = cache.get(cacheKey);
  if (!hit) {
    hit = (async () => {
      const q = db('process_definitions').first('process_definition_key', 'bpmn_process_id', 'version', 'xml');
      if (ref.processDefinitionKey !== '0') q.where({ process_definition_key: ref.processDefinitionKey });
      else q.where({ bpmn_process_id: ref.bpmnProcessId, version: ref.version });
      const row = (await q) as { process_definition_key: string; bpmn_process_id: string; version: number; xml: string } | undefined;
      if (!row) return null;
      return {
        processDefinitionKey: String(row.process_definition_key),
        bpmnProcessId: row.bpmn_process_id,
        version: row.version,
        xml: row.xml,
        elements: await readModelMeta(row.xml, row.bpmn_process_id),
      };
    })();
    // Do not remember failures or missing rows (a deploy may be recorded a moment later).
    hit.then(
      (m) => {
        if (!m) cache.delete(cacheKey);
      },
      () => cache.delete(cacheKey),
    );
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, hit);
  }
  return hit;
}
