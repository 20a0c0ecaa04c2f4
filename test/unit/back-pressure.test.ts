import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { BACK_PRESSURE_WAITS_MS, createZeebeClient, grpcCode, Grpc, type ZeebeClient } from '../../engine/client.js';
import { startStandInGateway } from '../helpers/stand-in-gateway.js';

/**
 * A broker at its request limit refuses a command with RESOURCE_EXHAUSTED before writing it. The platform's
 * client sends it again a few times within about a second and a half, so an officer's completion at a busy
 * moment goes through; a broker that stays full, and a broker that is down, are reported to the caller (the API
 * answers 503). The gateway is a stand-in speaking Zeebe's gRPC protocol (the SDK's zeebe.proto) on a loopback
 * port, answering as a full broker does (its words are Zeebe 8.6's): a real broker cannot be made to push back
 * on one chosen command. The client and its retries are the platform's own.
 */
describe('a command the broker pushes back', () => {
  let server: grpc.Server;
  let zeebe: ZeebeClient;
  /** How many of the next commands of each kind to refuse, and with what. */
  const refuse: Record<string, { times: number; code: grpc.status; details: string }> = {};
  const seen: Record<string, number[]> = {};

  const answer =
    (name: string, reply: unknown) =>
    (_call: grpc.ServerUnaryCall<unknown, unknown>, done: grpc.sendUnaryData<unknown>): void => {
      (seen[name] ??= []).push(Date.now());
      const r = refuse[name];
      if (r && r.times > 0) {
        r.times--;
        done({ code: r.code, details: r.details } as grpc.ServiceError);
        return;
      }
      done(null, reply);
    };

  beforeAll(async () => {
    let address: string;
    ({ server, address } = await startStandInGateway({
      CompleteJob: answer('CompleteJob', {}),
      CreateProcessInstance: answer('CreateProcessInstance', {
        processDefinitionKey: '1',
        bpmnProcessId: 'p',
        version: 1,
        processInstanceKey: '2251799813685249',
      }),
    }));
    zeebe = createZeebeClient(address);
  });
  afterAll(async () => {
    await zeebe?.close();
    server?.forceShutdown();
  });

  const full = "Failed to write client request to partition '1', because the request limit is exhausted.";

  it('sends a completion again while the broker is full for a moment, and it goes through', async () => {
    seen.CompleteJob = [];
    refuse.CompleteJob = { times: 3, code: grpc.status.RESOURCE_EXHAUSTED, details: full };
    await expect(zeebe.completeJob({ jobKey: '2251799813685250', variables: {} })).resolves.toBeDefined();
    expect(seen.CompleteJob).toHaveLength(4);
    // it waited between the tries, as the broker asks
    expect(seen.CompleteJob[3]! - seen.CompleteJob[0]!).toBeGreaterThanOrEqual(BACK_PRESSURE_WAITS_MS.slice(0, 3).reduce((a, b) => a + b) - 20);
  });

  it('starts a case the same way', async () => {
    seen.CreateProcessInstance = [];
    refuse.CreateProcessInstance = { times: 2, code: grpc.status.RESOURCE_EXHAUSTED, details: full };
    const started = await zeebe.createProcessInstance({ bpmnProcessId: 'p', variables: {} });
    expect(started.processInstanceKey).toBe('2251799813685249');
    expect(seen.CreateProcessInstance).toHaveLength(2 + 1);
  });

  it('tells the caller when the broker stays full, after about a second and a half, not for ever', async () => {
    seen.CompleteJob = [];
    refuse.CompleteJob = { times: 1000, code: grpc.status.RESOURCE_EXHAUSTED, details: full };
    const t0 = Date.now();
    const err = await zeebe.completeJob({ jobKey: '2251799813685251', variables: {} }).catch((e: unknown) => e);
    expect(grpcCode(err)).toBe(Grpc.RESOURCE_EXHAUSTED);
    expect(seen.CompleteJob).toHaveLength(BACK_PRESSURE_WAITS_MS.length + 1);
    expect(Date.now() - t0).toBeLessThan(5_000);
    refuse.CompleteJob.times = 0;
  });

  it('does not send again what no retry cures: a broker that is down, a message over the size limit', async () => {
    for (const [code, details] of [
      [grpc.status.UNAVAILABLE, 'Partition 1 has no leader'],
      [grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (5000000 vs. 4194304)'],
    ] as const) {
      seen.CompleteJob = [];
      refuse.CompleteJob = { times: 1000, code, details };
      const err = await zeebe.completeJob({ jobKey: '2251799813685252', variables: {} }).catch((e: unknown) => e);
      expect(grpcCode(err)).toBe(code);
      expect(seen.CompleteJob, details).toHaveLength(1);
    }
    refuse.CompleteJob!.times = 0;
  });
});
