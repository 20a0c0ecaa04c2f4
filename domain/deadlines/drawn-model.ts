import { drawnDiagram, type DrawnDiagram } from '../../engine/deadline-pattern.js';

/** Deployed models never change: the drawing of each is worked out once (a bounded, least-recently-used memo). */
const memo = new Map<string, Promise<DrawnDiagram>>();
const MEMO_SIZE = 200;

/**
 * A deployed version as its designer drew it, for the diagrams officers and auditors read: without the
 * reminder and escalation branches the deadline pattern adds to each timed step, with each step's time
 * limit to mark on it instead (engine/deadline-pattern.ts `drawnDiagram`).
 */
export function drawnModel(processDefinitionKey: string, deployedXml: string): Promise<DrawnDiagram> {
  const hit = memo.get(processDefinitionKey);
  if (hit) {
    memo.delete(processDefinitionKey);
    memo.set(processDefinitionKey, hit);
    return hit;
  }
  const made = drawnDiagram(deployedXml);
  memo.set(processDefinitionKey, made);
  void made.catch(() => memo.delete(processDefinitionKey));
  while (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
  return made;
}
