import { Camunda8 } from '@camunda8/sdk';
import { currentConfig } from '../lib/config.js';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

/**
 * One Zeebe gRPC client per process, plaintext and without OAuth (a local or private gateway).
 * The SDK's command retries are off so that, with the broker down, API calls fail fast and the API answers 503;
 * job workers keep polling with backoff and resume by themselves when the broker is back. A command the broker
 * pushes back (its request limit full for a moment) is sent again a few times within about a second and a half
 * ({@link retryBackPressure}) before the caller is told.
 */
export function createZeebeClient(gatewayAddress: string, restAddress?: string): ZeebeClient {
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: gatewayAddress,
    ZEEBE_ADDRESS: gatewayAddress,
    ZEEBE_REST_ADDRESS: restAddress ?? 'http://127.0.0.1:8080',
    CAMUNDA_SECURE_CONNECTION: false,
    CAMUNDA_OAUTH_DISABLED: true,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    zeebeGrpcSettings: {
      ZEEBE_GRPC_CLIENT_RETRY: false,
      ZEEBE_CLIENT_LOG_LEVEL: currentConfig().zeebeClientLogLevel,
      // 0: each long poll lasts as long as the gateway's own long-polling timeout (10 s by default), and the SDK
      // sets no client-side timer. With a value the SDK stops listening 1 s after it without cancelling the
      // call: a gateway that answers later, or a process busy for a second at that moment, hands the jobs to a
      // poll nobody reads, and they wait out their job timeout (up to 60 s late; engine/jobs/worker.ts).
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 0,
    },
    CAMUNDA_LOG_LEVEL: currentConfig().camundaLogLevel,
    CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: 5000,
  });
  return retryBackPressure(keepRetriesOnOutages(c8.getZeebeGrpcApiClient()));
}

/**
 * True when an error says that PostgreSQL or the broker cannot be reached right now (connection
 * refused or cut, the server starting up or shutting down, the pool unable to connect), not that
 * the work itself is wrong.
 */
export function isTransientOutage(err: unknown): boolean {
  if (isEngineUnavailable(err)) return true;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'].includes(code)) return true;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|the database system is (starting up|shutting down)|Timeout acquiring a connection|terminating connection due to administrator command|Client has encountered a connection error/i.test(
    String(e?.message ?? err),
  );
}

/**
 * Every job worker of this client fails a job it could not do because of an outage with its retries
 * unchanged and a backoff, so the job comes back when PostgreSQL or the broker is up again instead
 * of using up its retries and raising an incident that an operator would have to resolve. Any other
 * error keeps the SDK's behaviour (one retry fewer).
 */
function keepRetriesOnOutages(client: ZeebeClient): ZeebeClient {
  const createWorker = client.createWorker.bind(client);
  client.createWorker = ((config: Parameters<ZeebeClient['createWorker']>[0]) =>
    createWorker({
      ...config,
      taskHandler: async (job: any) => {
        try {
          return await (config.taskHandler as (j: any) => any)(job);
        } catch (err) {
          if (!isTransientOutage(err)) throw err;
          return job.fail({
            errorMessage: `Tạm thời không xử lý được, sẽ thử lại / Outage, retried: ${String((err as Error)?.message ?? err).slice(0, 300)}`,
            retries: job.retries,
            // how long the job waits before it is offered again (JOB_OUTAGE_BACKOFF_MS, default 5 s)
            retryBackOff: currentConfig().jobOutageBackoffMs,
          });
        }
      },
    } as never)) as ZeebeClient['createWorker'];
  return client;
}

/** The commands the platform sends that the broker may push back; each is refused before anything is written. */
const COMMANDS = [
  'completeJob',
  'createProcessInstance',
  'publishMessage',
  'setVariables',
  'cancelProcessInstance',
  'throwError',
  'failJob',
  'updateJobTimeout',
  'updateJobRetries',
  'resolveIncident',
  'migrateProcessInstance',
  'modifyProcessInstance',
  'deployResource',
  'broadcastSignal',
] as const;

/** Waits between the tries of a command the broker pushed back: about 1.5 s in all, then the caller is told. */
export const BACK_PRESSURE_WAITS_MS = [50, 100, 200, 400, 800];

/**
 * True when the broker refused a command because its request (or write) limit is full: back-pressure, which
 * Zeebe answers with RESOURCE_EXHAUSTED before writing anything, asking the client to try again shortly. Not the
 * gRPC library's own RESOURCE_EXHAUSTED for a message over the size limit, which no retry cures.
 */
export function isBackPressure(err: unknown): boolean {
  return grpcCode(err) === Grpc.RESOURCE_EXHAUSTED && !/larger than max|message size/i.test(String((err as Error)?.message ?? err));
}

/**
 * Sends a command again while the broker pushes it back, after {@link BACK_PRESSURE_WAITS_MS}: an officer's
 * completion or a citizen's submission at a busy moment goes through instead of answering 503. Safe because a
 * pushed-back command was not written; any other error (the broker down included) is passed on at once.
 */
function retryBackPressure(client: ZeebeClient): ZeebeClient {
  for (const name of COMMANDS) {
    const command = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
    if (typeof command !== 'function') continue;
    const send = command.bind(client);
    (client as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      for (let i = 0; ; i++) {
        try {
          return await send(...args);
        } catch (err) {
          if (i >= BACK_PRESSURE_WAITS_MS.length || !isBackPressure(err)) throw err;
          await new Promise((r) => setTimeout(r, BACK_PRESSURE_WAITS_MS[i]));
        }
      }
    };
  }
  return client;
}

/** gRPC status codes we act on (see @camunda8/sdk GrpcError). */
export const Grpc = {
  NOT_FOUND: 5,
  INVALID_ARGUMENT: 3,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNKNOWN: 2,
  INTERNAL: 13,
  CANCELLED: 1,
  ABORTED: 10,
} as const;

export function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof e?.code === 'number') return e.code;
  const msg = typeof e?.message === 'string' ? e.message : '';
  const m = /^(\d+) [A-Z_]+:/.exec(msg);
  return m ? Number(m[1]) : undefined;
}

/** True when the error means the gateway or broker cannot be reached right now. */
export function isEngineUnavailable(err: unknown): boolean {
  const code = grpcCode(err);
  if (code === Grpc.UNAVAILABLE || code === Grpc.DEADLINE_EXCEEDED || code === Grpc.RESOURCE_EXHAUSTED || code === Grpc.CANCELLED) return true;
  const msg = String((err as Error)?.message ?? err);
  // The gateway's connection to a broker that is restarting was cut: transient, like UNAVAILABLE.
  if (code === Grpc.ABORTED && /connection .* was closed|connection closed/i.test(msg)) return true;
  return /UNAVAILABLE|ECONNREFUSED|No connection established|DEADLINE_EXCEEDED|Connection dropped|Channel has been shut down/i.test(msg);
}
