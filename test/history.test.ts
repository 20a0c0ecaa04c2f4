import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { createZeebeClient, type ZeebeClient } from '../engine/client.js';
import { HistoryProjector, type ProjectedEvent } from '../engine/history/projector.js';
import { serviceTaskProcess } from './helpers/history-bpmn.js';

/**
 * The broker of the run exports into `zeebe_record` (engine/exporter); our own projector turns that
 * into the hist_* tables. The database and broker are shared with other files: unique ids per run.
 */
describe('history: exporter to zeebe_record to the projected tables', () => {
  let db: Knex;
  let zeebe: ZeebeClient;
  let projector: HistoryProjector;
  const projected: ProjectedEvent[] = [];

  beforeAll(async () => {
    db = createKnex(inject('databaseUrl'));
    zeebe = createZeebeClient(inject('zeebeAddress'), inject('zeebeRestAddress'));
    projector = new HistoryProjector(db, { batchSize: 200 });
    projector.on('projected', (e) => projected.push(e));
  });
  afterAll(async () => {
    await zeebe?.close();
    await projector?.stop();
    await db?.destroy();
  });

  /** Projects what is there until `probe` holds (exporter flush + projection), at most 20 s. */
  async function settle<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await projector.runOnce();
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** This file's process ids all start with hist_ and end with FILE_RUN. */
  const FILE_RUN = Math.random().toString(36).slice(2, 9);
  async function deploy(tag: string): Promise<{ processId: string; jobType: string }> {
    const run = `${Date.now()}_${Math.random().toString(36).slice(2, 7)}_${FILE_RUN}`;
    const processId = `hist_${tag}_${run}`;
    const jobType = `hist-${tag}-${run}`;
    await zeebe.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(serviceTaskProcess(processId, jobType)) });
    return { processId, jobType };
  }

  it('records a completed instance: the instance, every element in order, the job and the variables', async () => {
    // given a deployed process and a worker that completes its service task with new variables
    const { processId, jobType } = await deploy('done');
    const worker = zeebe.createWorker({
      taskType: jobType,
      id: 'history-test-worker',
      taskHandler: (job) => job.complete({ amount: 150, decision: 'chấp thuận' }),
    });

    // when an instance runs to its end
    const { processInstanceKey: key } = await zeebe.createProcessInstance({ bpmnProcessId: processId, variables: { amount: 1 } });
    const instance = await settle('the completed instance', () =>
      db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first(),
    );
    await worker.close();

    // then the instance has its definition, start and end
    expect(instance).toMatchObject({ bpmn_process_id: processId, version: 1, parent_process_instance_key: null });
    expect(instance.start_time.getTime()).toBeLessThanOrEqual(instance.end_time.getTime());

    // and every element instance is there, completed, in log order: the process, the start event,
    // the service task, the gateway and the end event it chose
    const elements = await db('hist_element_instances')
      .where({ process_instance_key: key })
      .orderBy([{ column: 'start_time' }, { column: 'start_position' }]);
    expect(elements.map((e) => [e.element_id, e.bpmn_element_type, e.state, e.element_name])).toEqual([
      [processId, 'PROCESS', 'completed', 'Kiểm thử lịch sử'],
      ['start', 'START_EVENT', 'completed', 'Tiếp nhận'],
      ['check', 'SERVICE_TASK', 'completed', 'Kiểm tra hồ sơ'],
      ['decide', 'EXCLUSIVE_GATEWAY', 'completed', 'Giá trị lớn?'],
      ['endBig', 'END_EVENT', 'completed', 'Hồ sơ lớn'],
    ]);
    for (const e of elements) {
      expect(e.end_time).not.toBeNull();
      expect(e.start_time.getTime()).toBeLessThanOrEqual(e.end_time.getTime());
      if (e.bpmn_element_type !== 'PROCESS') expect(e.flow_scope_key).toBe(key);
    }
    const positions = elements.map((e) => BigInt(e.start_position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

    // sequence flows are not element instances: Zeebe emits SEQUENCE_FLOW_TAKEN records for them
    const flows = await db('zeebe_record')
      .where({ value_type: 'PROCESS_INSTANCE', intent: 'SEQUENCE_FLOW_TAKEN' })
      .whereRaw(`body->'value'->>'processInstanceKey' = ?`, [key])
      .orderBy('position')
      .select(db.raw(`body->'value'->>'elementId' AS flow`));
    expect(flows.map((f: { flow: string }) => f.flow)).toEqual(['f1', 'f2', 'f3']);

    // the job, completed by our worker
    const jobs = await db('hist_jobs').where({ process_instance_key: key });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: jobType, element_id: 'check', state: 'completed', worker: 'history-test-worker', retries: 3 });
    expect(jobs[0].ended_time).not.toBeNull();
    // the batch that handed the job out says who took which job, without a copy of the job's variables
    const batch = await db('zeebe_record')
      .where({ value_type: 'JOB_BATCH', intent: 'ACTIVATED' })
      .whereRaw(`body->'value'->'jobKeys' @> to_jsonb(?::bigint)`, [jobs[0].job_key])
      .first('body');
    expect(batch.body.value).toMatchObject({ type: jobType, worker: 'history-test-worker', jobsOmitted: 1 });
    expect(batch.body.value.jobs).toBeUndefined();
    expect(JSON.stringify(batch.body)).not.toContain('"amount"');

    // the variables the completion set, current values and the change trail
    const variables = await db('hist_variables').where({ process_instance_key: key }).orderBy('name');
    expect(variables.map((v) => [v.scope_key, v.name, v.value])).toEqual([
      [key, 'amount', 150],
      [key, 'decision', 'chấp thuận'],
    ]);
    const trail = await db('hist_variable_events').where({ process_instance_key: key, name: 'amount' }).orderBy('position');
    expect(trail.map((v) => [v.intent, v.value])).toEqual([
      ['CREATED', 1],
      ['UPDATED', 150],
    ]);
  });

  it('records a cancelled instance as terminated and takes its task out of the inbox', async () => {
    // given an instance waiting at its service task, whose job the inbox shows as an open task
    const { processId, jobType } = await deploy('cancel');
    const { processInstanceKey: key } = await zeebe.createProcessInstance({ bpmnProcessId: processId, variables: { amount: 5 } });
    const job = await settle('the created job', () => db('hist_jobs').where({ process_instance_key: key, state: 'created' }).first());
    expect(job.type).toBe(jobType);
    await db('inbox_tasks').insert({
      job_key: job.job_key,
      process_instance_key: key,
      element_instance_key: job.element_instance_key,
      process_definition_key: job.process_definition_key,
      bpmn_process_id: processId,
      process_version: 1,
      element_id: 'check',
      name: 'Kiểm tra hồ sơ',
      status: 'open',
    });

    // when the instance is cancelled
    await zeebe.cancelProcessInstance(key);
    const instance = await settle('the terminated instance', () =>
      db('hist_process_instances').where({ process_instance_key: key, state: 'terminated' }).first(),
    );

    // then the instance and its waiting step are terminated with an end time, the rest completed
    expect(instance.end_time).not.toBeNull();
    const elements = await db('hist_element_instances')
      .where({ process_instance_key: key })
      .orderBy([{ column: 'start_time' }, { column: 'start_position' }]);
    expect(elements.map((e) => [e.element_id, e.state])).toEqual([
      [processId, 'terminated'],
      ['start', 'completed'],
      ['check', 'terminated'],
    ]);
    for (const e of elements) expect(e.start_time.getTime()).toBeLessThanOrEqual(e.end_time.getTime());

    // and the job is canceled, its inbox task cancelled, and listeners were told
    expect(await db('hist_jobs').where({ job_key: job.job_key }).first()).toMatchObject({ state: 'canceled' });
    const task = await db('inbox_tasks').where({ job_key: job.job_key }).first();
    expect(task.status).toBe('cancelled');
    expect(projected.flatMap((e) => e.cancelledJobKeys)).toContain(String(job.job_key));
  });

  it('projects idempotently: replaying the stream from the start changes nothing', async () => {
    // given everything projected so far
    await projector.runOnce();
    const snapshot = async () =>
      Promise.all(
        [
          'hist_process_instances',
          'hist_element_instances',
          'hist_jobs',
          'hist_variables',
          'hist_variable_events',
          'hist_incidents',
          'hist_process_definitions',
        ].map((t) => {
          // This file's own processes only: the serial lane's broker still exports records of earlier files'
          // instances (timers, job timeouts), which a replay may project meanwhile (seen in CI).
          const own = `hist%${FILE_RUN}`;
          const q = db(t).orderByRaw('1, 2').select('*');
          return t === 'hist_process_definitions' || t === 'hist_process_instances'
            ? q.where('bpmn_process_id', 'like', own)
            : q.whereIn('process_instance_key', db('hist_process_instances').where('bpmn_process_id', 'like', own).select('process_instance_key'));
        }),
      );
    const before = await snapshot();

    // when every cursor goes back to the start and a fresh projector replays the stream
    await db('hist_projector_cursor').update({ position: -1 });
    const replayed = await new HistoryProjector(db, { batchSize: 50 }).runOnce();

    // then the tables are as they were
    expect(replayed).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });
});
