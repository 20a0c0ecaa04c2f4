import type { Knex } from 'knex';

/** Where a case stands on its diagram: the steps active, done and interrupted, and the sequence flows taken. */
export interface CasePath {
  currentElementIds: string[];
  completedElementIds: string[];
  terminatedElementIds: string[];
  takenSequenceFlowIds: string[];
}

/**
 * The path of a case so far, from the history projection (element instances) and the exported records
 * (sequence flows taken). `openElementId`: the step of an open task of the case, current whatever the
 * history says yet.
 */
export async function casePath(db: Knex, processInstanceKey: string, openElementId: string | null): Promise<CasePath> {
  const elements: { element_id: string; state: string }[] = await db('hist_element_instances')
    .where({ process_instance_key: processInstanceKey })
    .whereNot('bpmn_element_type', 'PROCESS')
    .orderBy('start_position')
    .select('element_id', 'state');
  const flows: { element_id: string }[] = await db('zeebe_record')
    .where({ value_type: 'PROCESS_INSTANCE', intent: 'SEQUENCE_FLOW_TAKEN' })
    .whereRaw(`(body->'value'->>'processInstanceKey') = ?`, [processInstanceKey])
    .orderBy('position')
    .select(db.raw(`body->'value'->>'elementId' AS element_id`));
  const current = new Set(elements.filter((e) => e.state === 'active').map((e) => e.element_id));
  // History may lag a moment behind the inbox: an open task is current whatever it says yet.
  if (openElementId !== null) current.add(openElementId);
  const completed = new Set(elements.filter((e) => e.state === 'completed').map((e) => e.element_id));
  const terminated = new Set(elements.filter((e) => e.state === 'terminated' && !current.has(e.element_id)).map((e) => e.element_id));
  return {
    currentElementIds: [...current],
    completedElementIds: [...completed],
    terminatedElementIds: [...terminated],
    takenSequenceFlowIds: [...new Set(flows.map((f) => f.element_id))],
  };
}
