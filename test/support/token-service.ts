/**
 * Starts token-service for the end-to-end suites: the real app
 * (`createTokenService`) listening on a real port, on either event-store
 * adapter, with a fresh temporary DATA_DIR.
 *
 * The EventStoreDB adapter runs against the in-repo gRPC TEST DOUBLE of
 * EventStoreDB (tools/eventstoredb-double) unless EVENTSTORE_CONNECTION_STRING
 * names a real server, in which case that server is used and no double starts.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createTokenService, type TokenServiceApp } from '../../apps/token-service/src/app.factory';
import { loadConfig } from '@app/config';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../tools/eventstoredb-double/eventstoredb-double';
import { freePort } from '../../tools/support/free-port';
import { tempDir } from '../../tools/support/temp-dir';
import { HttpClient } from './http-client';

// Where the suites have always found them (tools/ needs them too, and must not import test/).
export { freePort, tempDir };

export type Adapter = 'sqlite' | 'eventstoredb';

/** Every e2e spec runs on both: `describe.each(ADAPTERS)`. */
export const ADAPTERS: readonly Adapter[] = ['sqlite', 'eventstoredb'];

/** True when EVENTSTORE_CONNECTION_STRING names a real EventStoreDB (then the double is not used). */
export const REAL_EVENTSTOREDB_CONNECTION_STRING: string | undefined = process.env.EVENTSTORE_CONNECTION_STRING || undefined;

export interface StartTokenServiceOptions {
  adapter: Adapter;
  /** Extra or overriding environment variables (e.g. DELEGATION_RATE_LIMIT). */
  env?: Record<string, string>;
  /** Reuse a data directory (default: a fresh temporary one, removed on close). */
  dataDir?: string;
  /** Leave the bootstrap management client unset (MANAGEMENT_CLIENT_ID/SECRET not passed). */
  withoutManagementClient?: boolean;
}

export interface TokenServiceUnderTest {
  adapter: Adapter;
  /** `http://127.0.0.1:<port>/`, also the ISSUER. */
  baseUrl: string;
  issuer: string;
  /** `${issuer}api/v2/`. */
  managementAudience: string;
  port: number;
  dataDir: string;
  /** The running app (changes on restart). */
  readonly service: TokenServiceApp;
  /** The EventStoreDB double, when the eventstoredb adapter runs on it. */
  double?: EventStoreDbDouble;
  /** True when the eventstoredb adapter runs on a real server (EVENTSTORE_CONNECTION_STRING). */
  realEventStoreDb: boolean;
  managementClientId: string;
  managementClientSecret: string;
  http: HttpClient;
  /** A management API token with every scope (client_credentials of the bootstrap client; cached). */
  managementToken(): Promise<string>;
  /** Stops the app (not the double), then starts it again on the same port, DATA_DIR and event store. */
  restart(): Promise<void>;
  /** Stops the app, the double it started, and removes the DATA_DIR it created. Idempotent. */
  close(): Promise<void>;
}

/** Unique ids per test so tests sharing a service never see each other's data. */
let counter = 0;
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
}

export async function startTokenService(options: StartTokenServiceOptions): Promise<TokenServiceUnderTest> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? tempDir();
  let double: EventStoreDbDouble | undefined;
  let connectionString: string | undefined;
  if (options.adapter === 'eventstoredb') {
    if (REAL_EVENTSTOREDB_CONNECTION_STRING) {
      connectionString = REAL_EVENTSTOREDB_CONNECTION_STRING;
    } else {
      double = await startEventStoreDbDouble();
      connectionString = double.connectionString;
    }
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/`;
  // Unique per service: a real EventStoreDB is shared by every suite of the run.
  const managementClientId = uniqueId('mgmt');
  const managementClientSecret = randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: baseUrl,
    DATA_DIR: dataDir,
    EVENT_STORE: options.adapter,
    LOG_LEVEL: 'silent',
    EMBEDDED_RELAY: 'false',
    ...(connectionString ? { EVENTSTORE_CONNECTION_STRING: connectionString } : {}),
    ...(options.withoutManagementClient ? {} : { MANAGEMENT_CLIENT_ID: managementClientId, MANAGEMENT_CLIENT_SECRET: managementClientSecret }),
    ...options.env,
  };
  const config = loadConfig(env);

  const boot = async (): Promise<TokenServiceApp> => {
    const app = await createTokenService(config);
    try {
      await app.app.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      await app.close();
      throw error;
    }
    return app;
  };

  let service: TokenServiceApp;
  try {
    service = await boot();
  } catch (error) {
    await double?.stop();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const http = new HttpClient(baseUrl);
  let cachedToken: string | undefined;
  let closed = false;

  const handle: TokenServiceUnderTest = {
    adapter: options.adapter,
    baseUrl,
    issuer: config.issuer,
    managementAudience: config.managementAudience,
    port,
    dataDir,
    get service() {
      return service;
    },
    double,
    realEventStoreDb: options.adapter === 'eventstoredb' && double === undefined,
    managementClientId,
    managementClientSecret,
    http,
    async managementToken() {
      if (cachedToken) return cachedToken;
      const r = await http.post<{ access_token?: string }>('/oauth/token', {
        json: {
          grant_type: 'client_credentials',
          client_id: managementClientId,
          client_secret: managementClientSecret,
          audience: config.managementAudience,
        },
      });
      if (r.status !== 200 || !r.body?.access_token) throw new Error(`management token: ${r.status} ${r.text}`);
      cachedToken = r.body.access_token;
      return cachedToken;
    },
    async restart() {
      await service.close();
      service = await boot();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await service.close();
      } finally {
        if (double?.running) await double.stop();
        if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return handle;
}
