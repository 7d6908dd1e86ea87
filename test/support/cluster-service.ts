import { EntryProcess } from '../../tools/support/entry-process';
import { clientCredentialsToken, type ServiceHandle } from './fixtures';
import { HttpClient } from './http-client';
import { freePort } from './token-service';

export interface ClusterUnderTest {
  service: EntryProcess;
  port: number;
  /** Signed in as the configured management client. */
  svc: ServiceHandle;
}

/**
 * Starts the real entry point with WORKERS=2 on the embedded store (a cluster
 * primary, the projector worker and one follower worker on `dataDir`), with
 * a configured management client, and waits until both workers listen.
 */
export async function startCluster(options: {
  dataDir: string;
  managementClientId: string;
  managementClientSecret: string;
  env?: Record<string, string>;
}): Promise<ClusterUnderTest> {
  const port = await freePort();
  const issuer = `http://localhost:${port}/`;
  const service = new EntryProcess('token-service', {
    WORKERS: '2',
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: issuer,
    DATA_DIR: options.dataDir,
    EVENT_STORE: 'sqlite',
    EMBEDDED_RELAY: 'false',
    KAFKA_BROKERS: undefined,
    EVENTSTORE_CONNECTION_STRING: undefined,
    MANAGEMENT_CLIENT_ID: options.managementClientId,
    MANAGEMENT_CLIENT_SECRET: options.managementClientSecret,
    ...options.env,
  });
  await service.waitForOutput(/token-service cluster: 2 workers listening/, 60_000);
  const managementAudience = `${issuer}api/v2/`;
  const http = new HttpClient(`http://127.0.0.1:${port}/`);
  // client_credentials needs no management token itself.
  const token = await clientCredentialsToken({ http, managementAudience, managementToken: async () => '' }, options.managementClientId, options.managementClientSecret);
  return { service, port, svc: { http, managementAudience, managementToken: async () => token } };
}
