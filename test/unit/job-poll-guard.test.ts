import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { createZeebeClient, type ZeebeClient } from '../../engine/client.js';
import { startJobWorker, stopJobWorkers } from '../../engine/jobs/worker.js';
import { startStandInGateway } from '../helpers/stand-in-gateway.js';

/**
 * A gateway that never answers a poll (the case the SDK's own client-side timer was for, which
 * engine/client.ts turns off because it dropped jobs): the worker cancels the poll after its guard and polls
 * again, so it does not wait on it for ever. The gateway is a stand-in speaking Zeebe's gRPC protocol (the
 * SDK's zeebe.proto) on a loopback port: a misbehaving gateway cannot be made from a real broker, whose long
 * polls always end. The worker, its client and its guard are the platform's own.
 */
describe('a poll the gateway never answers', () => {
  let server: grpc.Server;
  let zeebe: ZeebeClient;
  const calls: { at: number; cancelledAt?: number; type: string; requestTimeout: string }[] = [];

  beforeAll(async () => {
    let address: string;
    ({ server, address } = await startStandInGateway({
      ActivateJobs: (call: grpc.ServerWritableStream<{ type: string; requestTimeout: string }, unknown>) => {
        const entry: (typeof calls)[number] = { at: Date.now(), type: call.request.type, requestTimeout: String(call.request.requestTimeout) };
        calls.push(entry);
        call.on('cancelled', () => (entry.cancelledAt = Date.now()));
        // never answers, never ends
      },
    }));
    zeebe = createZeebeClient(address);
  });
  afterAll(async () => {
    await zeebe?.close();
    server?.forceShutdown();
  });

  it('is cancelled after the guard and followed by a new poll; the worker asks for no timeout of its own', async () => {
    const worker = startJobWorker(
      { jobType: 'guarded-poll', timeoutMs: 30_000, pollIntervalMs: 100, handle: async (job) => job.complete() },
      { db: undefined as never, zeebe, log: { info: () => {}, warn: () => {}, error: () => {} } },
      0,
      800,
    );
    try {
      const until = Date.now() + 10_000;
      while (calls.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(calls.length, 'a second poll after the first was given up').toBeGreaterThanOrEqual(2);
      const [first, second] = calls;
      expect(first.type).toBe('guarded-poll');
      // 0: the gateway's own long-polling timeout, so no client-side timer that drops an answer
      expect(first.requestTimeout).toBe('0');
      // the gateway was told: the poll was cancelled (not merely no longer read), after the guard and not before
      expect(first.cancelledAt, 'the first poll was cancelled').toBeDefined();
      expect((first.cancelledAt as number) - first.at).toBeGreaterThanOrEqual(700);
      expect(second.at).toBeGreaterThanOrEqual(first.cancelledAt as number);
    } finally {
      await stopJobWorkers([worker], 1000);
    }
  });
});
