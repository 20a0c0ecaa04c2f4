import { PROCESS_PROPERTY, STEP_HEADER, parseTimeLimit } from '../engine/step-meta.js';
import { longestPath } from '../engine/model-graph.js';

/**
 * Reading the step-meta contract (engine/step-meta.ts) from bpmn-moddle elements: used by the
 * properties panel, the lint rules and the pages. Writing goes through the command in
 * features/step-meta (so undo works).
 */

/** The slice of a bpmn-moddle element we read. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  id?: string;
  name?: string;
  isExecutable?: boolean;
  extensionElements?: ModdleElement & { values?: ModdleElement[] };
  values?: ModdleElement[];
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  processRef?: ModdleElement;
  sourceRef?: ModdleElement;
  targetRef?: ModdleElement;
  outgoing?: ModdleElement[];
  incoming?: ModdleElement[];
  attachedToRef?: ModdleElement;
  candidateGroups?: string;
  candidateUsers?: string;
  assignee?: string;
  formKey?: string;
  formId?: string;
  type?: string;
  key?: string;
  value?: string;
  get?(name: string): unknown;
}

export { STEP_HEADER, PROCESS_PROPERTY, parseTimeLimit };

/** The roles a step can be offered to inside a unit (candidate group "UNIT/role"). */
export const STEP_ROLES = ['officer', 'leader'] as const;

export function extensionOf(bo: ModdleElement, type: string): ModdleElement | undefined {
  return bo.extensionElements?.values?.find((v) => v.$type === type);
}

export function getCandidateGroups(bo: ModdleElement): string {
  return extensionOf(bo, 'zeebe:AssignmentDefinition')?.candidateGroups?.trim() ?? '';
}

/** Who handles the step: an assignee, candidate users or candidate groups. */
export function hasOwner(bo: ModdleElement): boolean {
  const a = extensionOf(bo, 'zeebe:AssignmentDefinition');
  return Boolean(a?.assignee?.trim() || a?.candidateUsers?.trim() || a?.candidateGroups?.trim());
}

/** "UNIT/role" -> { unit, role }; a bare "UNIT" has an empty role. Only the first of several groups. */
export function splitCandidateGroup(value: string): { unit: string; role: string } {
  const first = value.split(',')[0]?.trim() ?? '';
  const slash = first.indexOf('/');
  return slash < 0 ? { unit: first, role: '' } : { unit: first.slice(0, slash), role: first.slice(slash + 1) };
}

export function joinCandidateGroup(unit: string, role: string): string {
  const u = unit.trim();
  if (!u) return '';
  return role.trim() ? `${u}/${role.trim()}` : u;
}

export const FORM_KEY_PREFIX = 'app:';

export function getFormKey(bo: ModdleElement): string {
  return extensionOf(bo, 'zeebe:FormDefinition')?.formKey ?? '';
}

/** "app:tiep-nhan" -> "tiep-nhan"; other form keys give "". */
export function formIdOfKey(formKey: string): string {
  return formKey.startsWith(FORM_KEY_PREFIX) ? formKey.slice(FORM_KEY_PREFIX.length) : '';
}

export function getHeader(bo: ModdleElement, key: string): string {
  return extensionOf(bo, 'zeebe:TaskHeaders')?.values?.find((h) => h.key === key)?.value ?? '';
}

export function getJobType(bo: ModdleElement): string {
  return extensionOf(bo, 'zeebe:TaskDefinition')?.type ?? '';
}

/** The process a diagram element belongs to (itself for a process, the referenced one for a pool). */
export function processOf(bo: ModdleElement | undefined): ModdleElement | undefined {
  let el = bo;
  while (el) {
    if (el.$type === 'bpmn:Process') return el;
    if (el.$type === 'bpmn:Participant') return el.processRef;
    el = el.$parent;
  }
  return undefined;
}

export function getProcessProperty(process: ModdleElement, name: string): string {
  const list = extensionOf(process, 'zeebe:Properties') as { properties?: { name?: string; value?: string }[] } | undefined;
  return list?.properties?.find((p) => p.name === name)?.value ?? '';
}

export function stepTimeLimit(bo: ModdleElement): number | null {
  return parseTimeLimit(getHeader(bo, STEP_HEADER.timeLimit));
}

export function processTimeLimit(process: ModdleElement): number | null {
  return parseTimeLimit(getProcessProperty(process, PROCESS_PROPERTY.timeLimit));
}

/** Every flow element of a container, nested sub-processes included. */
export function flowElementsOf(container: ModdleElement, out: ModdleElement[] = []): ModdleElement[] {
  for (const el of container.flowElements ?? []) {
    out.push(el);
    if (el.flowElements) flowElementsOf(el, out);
  }
  return out;
}

/**
 * The largest sum of step time limits along any path from a start to an end of the process, loops'
 * back-edges ignored, a sub-process counting the longest path inside it: the same computation as the
 * server's validation (engine/model-graph.ts longestPath).
 */
export function longestPathDays(process: ModdleElement): number {
  return longestPath(process).days;
}
