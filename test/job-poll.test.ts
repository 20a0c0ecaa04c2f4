import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { createZeebeClient, type ZeebeClient } from '../engine/client.js';
import { startJobWorker, stopJobWorkers } from '../engine/jobs/worker.js';

/**
 * Issue 15: a new case's first step sometimes reached no inbox for more than 45 s on a loaded machine.
 * Cause, reproduced here: the SDK gave up a long poll 1 s after the timeout it asked for by only dropping its
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
  let zeebe: ZeebeClient;
  let db: Knex;

  beforeAll(async () => {
    zeebe = createZeebeClient(inject('zeebeAddress'));
    db = createKnex(inject('databaseUrl'));
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_${run}" targetNamespace="http://eiso.test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Work" />
    <bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="${jobType}" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Work" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
    await zeebe.deployResource({ process: Buffer.from(bpmn, 'utf8'), name: `${processId}.bpmn` });
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
});
