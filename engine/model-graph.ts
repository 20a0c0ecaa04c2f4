import { STEP_HEADER, parseTimeLimit } from './step-meta.js';

/**
 * The graph of a BPMN model as bpmn-moddle reads it: flow elements, the flow graph of a scope with the
 * back-edges of its loops, and the longest path by working days. Pure and browser-safe (it imports
 * only step-meta.ts): validation on the server (engine/validate.ts) and the modeler's lint rules
 * (modeler/lint/eiso-rules.ts) use the same computation, so they agree on sub-processes and loops.
 */

export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  isExecutable?: boolean;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  extensionElements?: { values?: ModdleElement[] };
  candidateGroups?: string;
  assignee?: string;
  candidateUsers?: string;
  // flow nodes and sequence flows
  incoming?: ModdleElement[];
  outgoing?: ModdleElement[];
  sourceRef?: ModdleElement;
  targetRef?: ModdleElement;
  attachedToRef?: ModdleElement;
  triggeredByEvent?: boolean;
  isForCompensation?: boolean;
  eventDefinitions?: ModdleElement[];
  // zeebe extension elements
  values?: ModdleElement[];
  properties?: ModdleElement[];
  key?: string;
  value?: string;
  type?: string;
  formKey?: string;
  formId?: string;
}

/** Every flow element of a container, nested sub-processes included. */
export function collectFlowElements(container: ModdleElement, out: ModdleElement[] = []): ModdleElement[] {
  for (const el of container.flowElements ?? []) {
    out.push(el);
    if (el.flowElements) collectFlowElements(el, out);
  }
  return out;
}

export const ext = (el: ModdleElement, type: string): ModdleElement | undefined => el.extensionElements?.values?.find((v) => v.$type === type);

/** Task headers of an element (zeebe:taskHeaders), as a plain map. */
export function headersOf(el: ModdleElement): Record<string, string> {
  return Object.fromEntries((ext(el, 'zeebe:TaskHeaders')?.values ?? []).filter((h) => h.key).map((h) => [h.key!, h.value ?? '']));
}

/** zeebe:properties of an element (the process carries eiso.timeLimit there). */
export function propertiesOf(el: ModdleElement): Record<string, string> {
  return Object.fromEntries((ext(el, 'zeebe:Properties')?.properties ?? []).filter((p) => p.name).map((p) => [p.name!, p.value ?? '']));
}

export const isFlowNode = (el: ModdleElement) =>
  /^bpmn:(\w*Task|SubProcess|Transaction|AdHocSubProcess|CallActivity|\w*Gateway|StartEvent|EndEvent|IntermediateCatchEvent|IntermediateThrowEvent|BoundaryEvent)$/.test(
    el.$type,
  );
export const isContainer = (el: ModdleElement) => /^bpmn:(SubProcess|Transaction|AdHocSubProcess)$/.test(el.$type);
export const hasEventDefinition = (el: ModdleElement, type: string) => (el.eventDefinitions ?? []).some((d) => d.$type === type);
/** Job types come from zeebe:taskDefinition on service, send, script and business rule tasks and on message throw events. */
export const jobTypeOf = (el: ModdleElement): string | undefined => ext(el, 'zeebe:TaskDefinition')?.type?.trim() || undefined;

/** The flow graph of one scope (a process or a sub-process): nodes, edges, and the back-edges of its loops. */
export interface ScopeGraph {
  nodes: ModdleElement[];
  next: Map<string, string[]>;
  starts: string[];
  /** `from>to` of edges that close a loop (found by depth-first search from the start events). */
  backEdges: Set<string>;
}

export function scopeGraph(scope: ModdleElement): ScopeGraph {
  const nodes = (scope.flowElements ?? []).filter((e) => isFlowNode(e) && e.id && !(isContainer(e) && e.triggeredByEvent));
  const ids = new Set(nodes.map((n) => n.id!));
  const next = new Map<string, string[]>(nodes.map((n) => [n.id!, []]));
  for (const f of scope.flowElements ?? []) {
    if (f.$type !== 'bpmn:SequenceFlow' || !f.sourceRef?.id || !f.targetRef?.id) continue;
    if (ids.has(f.sourceRef.id) && ids.has(f.targetRef.id)) next.get(f.sourceRef.id)!.push(f.targetRef.id);
  }
  // A boundary event is reached from the activity it is attached to.
  for (const n of nodes) if (n.$type === 'bpmn:BoundaryEvent' && n.attachedToRef?.id && ids.has(n.attachedToRef.id)) next.get(n.attachedToRef.id)!.push(n.id!);
  // Link events: a throw continues at the catch of the same name.
  const linkName = (n: ModdleElement) => (n.eventDefinitions ?? []).find((d) => d.$type === 'bpmn:LinkEventDefinition')?.name;
  for (const t of nodes.filter((n) => n.$type === 'bpmn:IntermediateThrowEvent' && linkName(n))) {
    for (const c of nodes.filter((n) => n.$type === 'bpmn:IntermediateCatchEvent' && linkName(n) === linkName(t))) next.get(t.id!)!.push(c.id!);
  }
  const starts = nodes.filter((n) => n.$type === 'bpmn:StartEvent').map((n) => n.id!);
  const backEdges = new Set<string>();
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const dfs = (id: string) => {
    state.set(id, 1);
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 1) backEdges.add(`${id}>${to}`);
      else if (!state.has(to)) dfs(to);
    }
    state.set(id, 2);
  };
  for (const s of starts) if (!state.has(s)) dfs(s);
  // Nodes no start reaches (lint reports them as disconnected): still visit, so every loop has its back-edge.
  for (const n of nodes) if (!state.has(n.id!)) dfs(n.id!);
  return { nodes, next, starts, backEdges };
}

/** The time limit a node adds to a path: its step limit, or for a sub-process the longest path inside it. */
function nodeDays(n: ModdleElement): number {
  if (isContainer(n)) return longestPath(n).days;
  return parseTimeLimit(headersOf(n)[STEP_HEADER.timeLimit]) ?? 0;
}

/** The longest path (by working days) from a start event to an end of the scope, loops' back-edges ignored. */
export function longestPath(scope: ModdleElement): { days: number; path: string[]; order: string[] } {
  const g = scopeGraph(scope);
  const byId = new Map(g.nodes.map((n) => [n.id!, n]));
  const forward = (id: string) => (g.next.get(id) ?? []).filter((to) => !g.backEdges.has(`${id}>${to}`));
  // Topological order of the acyclic graph (Kahn), in document order among equals.
  const indeg = new Map(g.nodes.map((n) => [n.id!, 0]));
  for (const n of g.nodes) for (const to of forward(n.id!)) indeg.set(to, indeg.get(to)! + 1);
  const ready = g.nodes.filter((n) => indeg.get(n.id!) === 0).map((n) => n.id!);
  const topo: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    topo.push(id);
    for (const to of forward(id)) {
      indeg.set(to, indeg.get(to)! - 1);
      if (indeg.get(to) === 0) ready.push(to);
    }
  }
  const best = new Map<string, { days: number; hops: number; from: string | null }>();
  for (const s of g.starts) best.set(s, { days: nodeDays(byId.get(s)!), hops: 0, from: null });
  for (const id of topo) {
    const cur = best.get(id);
    if (!cur) continue;
    for (const to of forward(id)) {
      const cand = { days: cur.days + nodeDays(byId.get(to)!), hops: cur.hops + 1, from: id };
      const old = best.get(to);
      if (!old || cand.days > old.days || (cand.days === old.days && cand.hops > old.hops)) best.set(to, cand);
    }
  }
  // Paths end where the flow ends (end events, or dead ends the path rule reports); a loop's way back is no end.
  let end: string | null = null;
  for (const id of topo) {
    const b = best.get(id);
    if (!b || (g.next.get(id) ?? []).length > 0) continue;
    if (end === null || b.days > best.get(end)!.days) end = id;
  }
  const path: string[] = [];
  for (let id = end; id; id = best.get(id)!.from) path.unshift(id);
  // Reading order for documents: by the step count of the longest path reaching each node; among
  // equals, the nodes of the longest path first, then document order.
  const depth = new Map<string, number>();
  for (const id of topo) {
    const d = depth.get(id) ?? 0;
    depth.set(id, d);
    for (const to of forward(id)) depth.set(to, Math.max(depth.get(to) ?? 0, d + 1));
  }
  const docIndex = new Map(g.nodes.map((n, i) => [n.id!, i]));
  const onPath = new Set(path);
  const order = [...depth.keys()].sort(
    (a, b) => depth.get(a)! - depth.get(b)! || Number(onPath.has(b)) - Number(onPath.has(a)) || docIndex.get(a)! - docIndex.get(b)!,
  );
  return { days: end ? best.get(end)!.days : 0, path, order };
}

/** Hours of a working day (Labour Code 2019 art. 105: 8 hours a day), to compare a limit in hours with steps in days. */
export const WORKING_HOURS_PER_DAY = 8;

/**
 * The working days a process's total limit surely leaves for its steps (which are set in working days),
 * whatever the day of receipt, on an ordinary Monday–Friday week (days off of the calendar shorten it
 * further; the calendar "what if" shows those):
 * - working_days, within_day (its value is the internal budget in working days): the value;
 * - hours: the whole half days in it (8 working hours a day);
 * - calendar_days (Civil Code art. 147–148): counted from the day after a receipt on a working day, a last
 *   day on a weekend moving to the next Monday; the fewest working days over the five receipt days
 *   (10 days → 6, 15 → 11, 20 → 14).
 */
export function workingDaysWithin(total: number, unit: string | undefined): number {
  if (unit === 'hours') return Math.floor((total * 2) / WORKING_HOURS_PER_DAY) / 2;
  if (unit !== 'calendar_days') return total;
  const isWorking = (dow: number) => dow % 7 !== 5 && dow % 7 !== 6; // 0 = Monday
  let fewest = Infinity;
  for (let receipt = 0; receipt < 5; receipt++) {
    let last = receipt + Math.floor(total);
    while (!isWorking(last)) last++;
    let n = 0;
    for (let d = receipt + 1; d <= last; d++) if (isWorking(d)) n++;
    fewest = Math.min(fewest, n);
  }
  return fewest;
}
