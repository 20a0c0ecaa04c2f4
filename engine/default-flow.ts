/**
 * Our rule on decision gateways: the positive outcome of a decision (approve, eligible, effective...)
 * must be taken on its own condition, never by default. A missing or mistyped decision would otherwise
 * approve. Pure: used by the deploy validator (engine/validate.ts) and the modeler lint (browser).
 *
 * Heuristic, for each exclusive or inclusive gateway with a default flow:
 * - a default whose name says no (không, chưa, từ chối, trả lại, bổ sung, làm lại, reject, return...) is fine;
 * - a default whose name says yes (đạt, đồng ý, phê duyệt, duyệt, hợp lệ, có hiệu lực, đủ điều kiện,
 *   cấp, ban hành, chấp thuận, approve, accept, eligible, effective...) is reported;
 * - an unnamed or neutral default is reported when it leads on (it is not a way back to an earlier
 *   step, i.e. not the back-edge of a loop found by a depth-first walk from the start events).
 */

export interface FlowElementLike {
  $type: string;
  id?: string;
  name?: string;
  flowElements?: FlowElementLike[];
  sourceRef?: FlowElementLike;
  targetRef?: FlowElementLike;
  attachedToRef?: FlowElementLike;
  default?: FlowElementLike;
  triggeredByEvent?: boolean;
}

export interface ApprovingDefault {
  gatewayId: string;
  gatewayName: string;
  flowId: string;
  flowName: string;
  reason: 'named' | 'leads-on';
}

const NEGATIVE =
  /(^|[^\p{L}])(không|chưa|từ chối|trả lại|trả về|làm lại|thẩm định lại|sửa|bổ sung|hủy|huỷ|dừng|reject|rejected|return|back|no|not|deny|denied|redo)(?![\p{L}])/iu;
const POSITIVE =
  /(^|[^\p{L}])(đạt|đồng ý|phê duyệt|duyệt|hợp lệ|có hiệu lực|hiệu lực|đủ điều kiện|chấp thuận|thông qua|cấp|ban hành|có|approve|approved|accept|accepted|eligible|valid|effective|yes|ok|pass)(?![\p{L}])/iu;

/** 'no' for a name that refuses or returns, 'yes' for one that approves, null for neither. */
export function outcomeOfName(name: string | undefined): 'yes' | 'no' | null {
  const n = (name ?? '').normalize('NFC').toLowerCase().trim();
  if (!n) return null;
  if (NEGATIVE.test(n)) return 'no';
  if (POSITIVE.test(n)) return 'yes';
  return null;
}

function scan(scope: FlowElementLike, out: ApprovingDefault[]): void {
  const elements = scope.flowElements ?? [];
  const nodes = elements.filter((e) => e.id && e.$type !== 'bpmn:SequenceFlow' && !(e.$type === 'bpmn:SubProcess' && e.triggeredByEvent));
  const next = new Map<string, string[]>(nodes.map((n) => [n.id!, []]));
  for (const f of elements) if (f.$type === 'bpmn:SequenceFlow' && f.sourceRef?.id && f.targetRef?.id) next.get(f.sourceRef.id)?.push(f.targetRef.id);
  for (const n of nodes) if (n.$type === 'bpmn:BoundaryEvent' && n.attachedToRef?.id) next.get(n.attachedToRef.id)?.push(n.id!);
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>();
  const dfs = (id: string) => {
    state.set(id, 1);
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 1) back.add(`${id}>${to}`);
      else if (!state.has(to)) dfs(to);
    }
    state.set(id, 2);
  };
  for (const s of nodes.filter((n) => n.$type === 'bpmn:StartEvent')) if (!state.has(s.id!)) dfs(s.id!);
  for (const n of nodes) if (!state.has(n.id!)) dfs(n.id!);
  for (const g of nodes) {
    if (g.flowElements) scan(g, out);
    if ((g.$type !== 'bpmn:ExclusiveGateway' && g.$type !== 'bpmn:InclusiveGateway') || !g.default?.id) continue;
    const flow = g.default;
    const outcome = outcomeOfName(flow.name);
    if (outcome === 'no') continue;
    const returns = back.has(`${g.id}>${flow.targetRef?.id}`);
    if (outcome === 'yes' || !returns) {
      out.push({
        gatewayId: g.id!,
        gatewayName: g.name?.trim() || g.id!,
        flowId: flow.id!,
        flowName: flow.name?.trim() ?? '',
        reason: outcome === 'yes' ? 'named' : 'leads-on',
      });
    }
  }
}

/** Default flows of a process (sub-processes included) that approve or lead on. */
export function approvingDefaultFlows(process: FlowElementLike): ApprovingDefault[] {
  const out: ApprovingDefault[] = [];
  scan(process, out);
  return out;
}
