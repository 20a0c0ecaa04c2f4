import { Camunda8 } from '@camunda8/sdk';
import { inject } from 'vitest';

/**
 * A Zeebe client of the run's broker that is not the platform's: the tool another team would use (zbctl,
 * Camunda Modeler, the SDK) to deploy or start straight on the engine. Close it after use.
 */
export function rawZeebeClient() {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: inject('zeebeAddress'),
    ZEEBE_ADDRESS: inject('zeebeAddress'),
    ZEEBE_REST_ADDRESS: inject('zeebeRestAddress'),
    CAMUNDA_SECURE_CONNECTION: false,
    CAMUNDA_OAUTH_DISABLED: true,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
  }).getZeebeGrpcApiClient();
}
