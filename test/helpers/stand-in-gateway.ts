import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * A stand-in Zeebe gateway on a loopback port, speaking Zeebe's gRPC protocol (the SDK's zeebe.proto), for the
 * behaviours a real broker cannot be made to show on demand (a poll never answered, a command pushed back). The
 * handlers answer the calls the test names; the platform's client talks to it as to a gateway.
 */
export async function startStandInGateway(handlers: grpc.UntypedServiceImplementation): Promise<{ server: grpc.Server; address: string }> {
  const sdkDir = path.dirname(createRequire(import.meta.url).resolve('@camunda8/sdk/package.json'));
  const def = protoLoader.loadSync(path.join(sdkDir, 'dist/proto/zeebe.proto'), { keepCase: true, longs: String, defaults: true });
  const proto = grpc.loadPackageDefinition(def) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } };
  const server = new grpc.Server();
  server.addService(proto.gateway_protocol.Gateway.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, address: `127.0.0.1:${port}` };
}
