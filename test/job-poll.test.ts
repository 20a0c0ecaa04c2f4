import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { createZeebeClient, type ZeebeClient } from '../engine/client.js';
import { startJobWorker, stopJobWorkers } from '../engine/jobs/worker.js';

/**
 * Issue 15: a new case's first step sometimes reached no inbox for more than 45 s on a loaded machine.
 * Two causes, both reproduced here, both a job sent to a poll whose client no longer reads it.
 * (2, the second test) A worker that stops cancels its open poll: a job the gateway sent it just before
 * seeing the cancellation was lost until its job timeout (bench/worker-stop.ts: 12 of 133 stops). A stopping
 * worker now leaves its poll to end and hands back what it brings.
 * (1, the first test) The SDK gave up a long poll 1 s after the timeout it asked for by only dropping its
 * listeners, without cancelling the call. A job the gateway activated for that poll just before (the gateway
 * late, or the worker's process busy for a second at that moment) reached nobody and waited out its job
 * timeout, 60 s for a step. The attack: a process busy for 2 s across the moment a poll ends, with a job
 * activated for that poll just before. The worker must still get the job at once.
 * The worker is the platform's (startJobWorker, engine/jobs/worker.ts) on the run's broker; its job type is
 * this file's own, so no other file's worker takes the job.
 */
const GATEWAY_LONG_POLL_MS = 10_000; // Zeebe's default long-polling timeout, used for a poll that asks for 0

describe('a job activated for a poll while the worker is busy', () => {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const jobType = `poll-stall-${run}`;
  const processId = `poll_stall_${run}`;
  const stopType = `poll-stop-${run}`;
  const stopProcessId = `poll_stop_${run}`;
  let zeebe: ZeebeClient;
  let db: Knex;

  beforeAll(async () => {
    zeebe = createZeebeClient(inject('zeebeAddress'));
    db = createKnex(inject('databaseUrl'));
    const model = (id: string, type: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_${id}" targetNamespace="http://eiso.test">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Work" />
    <bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Work" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
    for (const [id, type] of [
      [processId, jobType],
      [stopProcessId, stopType],
    ])
      await zeebe.deployResource({ process: Buffer.from(model(id, type), 'utf8'), name: `${id}.bpmn` });
  });
  afterAll(async () => {
    await zeebe?.close();
    await db?.destroy();
  });

  it('reaches the worker right after the busy stretch, not after its job timeout', async () => {
    let handledAt: number | undefined;
    const worker = startJobWorker(
      {
        jobType,
        timeoutMs: 60_000,
        handle: async (job) => {
          handledAt = performance.now();
          return job.complete();
        },
      },
      { db, zeebe, log: { info: () => {}, warn: () => {}, error: () => {} } },
    );
    // When the worker's poll opened and how long it asked the gateway to hold it (the SDK's gRPC client).
    const grpc = (worker as unknown as { grpcClient: { activateJobsStream: (req: { requestTimeout?: unknown }) => Promise<unknown> } }).grpcClient;
    const activate = grpc.activateJobsStream.bind(grpc);
    let poll: { openedAt: number; asked: number } | undefined;
    grpc.activateJobsStream = async (req) => {
      const stream = await activate(req);
      const asked = req.requestTimeout;
      const ms =
        typeof asked === 'number'
          ? asked
          : Number((asked as { value?: number; unit?: string })?.value ?? 0) * ((asked as { unit?: string })?.unit === 's' ? 1000 : 1);
      poll = { openedAt: performance.now(), asked: ms };
      return stream;
    };
    try {
      // wait for a poll that is 200 ms from its end
      const deadline = performance.now() + 45_000;
      for (;;) {
        if (performance.now() > deadline) throw new Error('the worker opened no poll');
        const p = poll;
        if (p && performance.now() - p.openedAt >= (p.asked > 0 ? p.asked : GATEWAY_LONG_POLL_MS) - 200) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await zeebe.createProcessInstance({ bpmnProcessId: processId, variables: {} });
      const created = performance.now();
      // the worker's process is busy for 2 s: the gateway's answer, with the job, waits in the socket meanwhile
      while (performance.now() - created < 2000) {
        /* a synchronous stretch, as a loaded machine makes of a few hundred milliseconds of work */
      }
      while (handledAt === undefined && performance.now() - created < 15_000) await new Promise((r) => setTimeout(r, 50));
      expect(handledAt, 'the job reached the worker within 15 s (before the fix: after its 60 s job timeout)').toBeDefined();
      expect((handledAt as number) - created).toBeLessThan(6000);
    } finally {
      await stopJobWorkers([worker], 5000);
    }
  });

  it('is handed back by a worker that stops while the job is on its way to it, and taken by another at once', async () => {
    // Another platform's worker (its own client) holds the only open poll of this job type.
    const other = createZeebeClient(inject('zeebeAddress'));
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const handledBy: string[] = [];
    const spec = (who: string) => ({
      jobType: stopType,
      timeoutMs: 30_000,
      handle: async (job: Parameters<Parameters<typeof startJobWorker>[0]['handle']>[0]) => {
        handledBy.push(who);
        return job.complete();
      },
    });
    const leaving = startJobWorker(spec('leaving'), { db, zeebe: other, log });
    const staying = { worker: undefined as ReturnType<typeof startJobWorker> | undefined };
    try {
      const opened = performance.now() + 10_000;
      while (!(leaving as unknown as { jobStream?: unknown }).jobStream) {
        if (performance.now() > opened) throw new Error('the leaving worker opened no poll');
        await new Promise((r) => setTimeout(r, 10));
      }
      await zeebe.createProcessInstance({ bpmnProcessId: stopProcessId, variables: {} });
      const created = performance.now();
      // The gateway activates the job for that poll and sends it; the process reads it only after the stop began.
      while (performance.now() - created < 300) {
        /* busy */
      }
      await stopJobWorkers([leaving], 5000);
      await other.close();
      let handledAt: number | undefined;
      staying.worker = startJobWorker(
        {
          ...spec('staying'),
          handle: async (job) => {
            handledBy.push('staying');
            handledAt = performance.now();
            return job.complete();
          },
        },
        { db, zeebe, log },
      );
      while (handledAt === undefined && performance.now() - created < 15_000) await new Promise((r) => setTimeout(r, 50));
      expect(handledBy, 'the stopping worker did not work it; the other took it (before the fix: after its 30 s job timeout)').toEqual(['staying']);
      expect((handledAt as number) - created).toBeLessThan(5000);
    } finally {
      if (staying.worker) await stopJobWorkers([staying.worker], 5000);
    }
  });
});
