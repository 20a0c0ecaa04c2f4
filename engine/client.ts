import { Camunda8 } from '@camunda8/sdk';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

/**
 * One Zeebe gRPC client per process, plaintext and without OAuth (a local or private gateway).
 * Command retries are off so that, with the broker down, API calls fail fast and the API answers 503;
 * job workers keep polling with backoff and resume by themselves when the broker is back.
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
      ZEEBE_CLIENT_LOG_LEVEL: process.env.ZEEBE_CLIENT_LOG_LEVEL ?? 'NONE',
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 20,
    },
    CAMUNDA_LOG_LEVEL: process.env.CAMUNDA_LOG_LEVEL ?? 'none',
    CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: 5000,
  });
  return c8.getZeebeGrpcApiClient();
}

/** gRPC status codes we act on (see @camunda8/sdk GrpcError). */
export const Grpc = { NOT_FOUND: 5, INVALID_ARGUMENT: 3, FAILED_PRECONDITION: 9, UNAVAILABLE: 14, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNKNOWN: 2, INTERNAL: 13, CANCELLED: 1, ABORTED: 10 } as const;

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
