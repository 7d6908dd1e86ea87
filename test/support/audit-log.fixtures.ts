/**
 * Test fixtures of the audit suites: a small log with a known story, written
 * through a REAL adapter (SqliteEventStore, or EventStoreDbEventStore over the
 * EventStoreDB TEST DOUBLE in tools/eventstoredb-double — an in-process gRPC
 * stand-in, not EventStoreDB), the live read model a node would hold, and
 * ways to tamper with what is stored under each adapter.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ClientDeletedData, ClientGrantCreatedData, ClientRegisteredData } from '@app/clients/events';
import { clientGrantStreamId, clientStreamId } from '@app/clients/events';
import { ReadModelProjection, ProjectionRunner, READ_MODEL_FILE_NAME, ReadModel } from '@app/read-model';
import { silentLogger } from '@app/shared';
import type { EventMetadata, EventStore, ExpectedRevision } from '@app/event-store';
import { SqliteEventStore } from '@app/event-store';
import { EventStoreDbEventStore } from '@app/event-store/eventstoredb/eventstoredb-event-store';
import type { RefreshTokenIssuedData, RefreshTokenRevokedData } from '@app/refresh-tokens/events';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../tools/eventstoredb-double/eventstoredb-double';
import type { StoredEvent } from '../../tools/eventstoredb-double/event-log';

/** The story's instants (metadata.occurredAt = the data's own time). */
export const TIMES = {
  clientARegistered: '2025-01-01T00:00:00.000Z',
  grantCreated: '2025-01-01T00:30:00.000Z',
  clientBRegistered: '2025-01-01T01:00:00.000Z',
  cred1Issued: '2025-01-02T10:00:00.000Z',
  cred2Issued: '2025-01-02T11:00:00.000Z',
  cred3Issued: '2025-01-02T12:00:00.000Z',
  cred1Revoked: '2025-01-03T10:00:00.000Z',
  keyRotated: '2025-01-03T12:00:00.000Z',
  clientBDeleted: '2025-01-04T10:00:00.000Z',
  cred2Revoked: '2025-01-04T10:00:05.000Z',
} as const;

export const IDS = {
  clientA: 'client-a',
  clientB: 'client-b',
  grant: 'cgr_1',
  cred1: 'dcr_1', // user-1 on client-a, revoked by an admin
  cred2: 'dcr_2', // user-1 on client-b, whose client is deleted, then the cascade revokes it
  cred3: 'dcr_3', // user-2 on client-a, never revoked
  user1: 'user-1',
  user2: 'user-2',
  correlation1: 'corr-1',
  correlation2: 'corr-2',
} as const;

/** The plaintext tokens exist only here, to prove they never reach the log or an audit output. */
export const PLAINTEXT = { cred1: 'rt-plain-ONE-secret', cred2: 'rt-plain-TWO-secret', cred3: 'rt-plain-THREE-secret' } as const;
export const CLIENT_SECRET_HASH = 'scrypt$verifier-of-client-b-secret';
export const SEALED_SECRET = 'sealed:AES-GCM-ciphertext';

/** Positions the story's events got in the log (they differ between adapters). */
export type StoryPositions = Record<
  'clientA' | 'grant' | 'clientB' | 'cred1Issued' | 'cred2Issued' | 'cred3Issued' | 'cred1Revoked' | 'keyRotated' | 'clientBDeleted' | 'cred2Revoked',
  number
>;

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

function meta(occurredAt: string, actor: string, extra: Partial<EventMetadata> = {}): EventMetadata {
  return { actor, occurredAt, ...extra };
}

function issued(credentialId: string, userId: string, clientId: string, deviceName: string, plaintext: string, issuedAt: string): RefreshTokenIssuedData {
  return { credentialId, tokenHash: sha256Hex(plaintext), clientId, userId, deviceId: `${deviceName}-id`, deviceName, scope: 'openid offline_access', issuedAt };
}

function revoked(credentialId: string, userId: string, clientId: string, deviceName: string, reason: string, revokedBy: string, revokedAt: string): RefreshTokenRevokedData {
  return { credentialId, clientId, userId, deviceId: `${deviceName}-id`, deviceName, reason, revokedBy, revokedAt };
}

function client(clientId: string, createdAt: string, secret: boolean): ClientRegisteredData {
  return {
    clientId,
    name: `app ${clientId}`,
    appType: secret ? 'regular_web' : 'native',
    tokenEndpointAuthMethod: secret ? 'client_secret_post' : 'none',
    clientSecretHash: secret ? CLIENT_SECRET_HASH : null,
    ...(secret && { sealedClientSecret: SEALED_SECRET }),
    jwtConfiguration: { alg: secret ? 'HS256' : 'RS256', lifetimeInSeconds: 36000 },
    grantTypes: ['refresh_token'],
    createdAt,
  };
}

async function append(store: EventStore, streamId: string, expectedRevision: ExpectedRevision, type: string, data: object, metadata: EventMetadata) {
  const id = randomUUID();
  const result = await store.appendToStream(streamId, [{ id, type, data: data as Record<string, unknown>, metadata }], { expectedRevision });
  return { id, position: result.position };
}

/** Writes the story through `store`, in this log order. */
export async function writeStory(store: EventStore): Promise<StoryPositions> {
  const { clientA, clientB, grant, cred1, cred2, cred3, user1, user2 } = IDS;
  const T = TIMES;
  const p = {} as StoryPositions;
  p.clientA = (await append(store, clientStreamId(clientA), 'no_stream', 'ClientRegistered', client(clientA, T.clientARegistered, false), meta(T.clientARegistered, 'bootstrap'))).position;
  const grantData: ClientGrantCreatedData = { grantId: grant, clientId: clientA, audience: 'http://localhost/api/v2/', scope: ['read:clients'], createdAt: T.grantCreated };
  p.grant = (await append(store, clientGrantStreamId(grant), 'no_stream', 'ClientGrantCreated', grantData, meta(T.grantCreated, 'bootstrap'))).position;
  p.clientB = (await append(store, clientStreamId(clientB), 'no_stream', 'ClientRegistered', client(clientB, T.clientBRegistered, true), meta(T.clientBRegistered, 'mgmt'))).position;
  p.cred1Issued = (await append(store, refreshTokenStreamId(cred1), 'no_stream', 'RefreshTokenIssued', issued(cred1, user1, clientA, 'phone', PLAINTEXT.cred1, T.cred1Issued), meta(T.cred1Issued, 'login-service', { correlationId: 'login-1' }))).position;
  p.cred2Issued = (await append(store, refreshTokenStreamId(cred2), 'no_stream', 'RefreshTokenIssued', issued(cred2, user1, clientB, 'laptop', PLAINTEXT.cred2, T.cred2Issued), meta(T.cred2Issued, 'login-service'))).position;
  p.cred3Issued = (await append(store, refreshTokenStreamId(cred3), 'no_stream', 'RefreshTokenIssued', issued(cred3, user2, clientA, 'tablet', PLAINTEXT.cred3, T.cred3Issued), meta(T.cred3Issued, 'login-service'))).position;
  p.cred1Revoked = (await append(store, refreshTokenStreamId(cred1), 0, 'RefreshTokenRevoked', revoked(cred1, user1, clientA, 'phone', 'device_credential_deleted', 'mgmt', T.cred1Revoked), meta(T.cred1Revoked, 'mgmt', { reason: 'device_credential_deleted', correlationId: IDS.correlation1 }))).position;
  // A stream no projection reads: the chain covers it all the same.
  p.keyRotated = (await append(store, 'signingKey-k1', 'no_stream', 'SigningKeyRotated', { kid: 'k1' }, meta(T.keyRotated, 'system'))).position;
  const deletion: ClientDeletedData = { clientId: clientB, deletedAt: T.clientBDeleted };
  const deleted = await append(store, clientStreamId(clientB), 0, 'ClientDeleted', deletion, meta(T.clientBDeleted, 'mgmt', { reason: 'client_deleted', correlationId: IDS.correlation2 }));
  p.clientBDeleted = deleted.position;
  p.cred2Revoked = (await append(store, refreshTokenStreamId(cred2), 0, 'RefreshTokenRevoked', revoked(cred2, user1, clientB, 'laptop', 'client_deleted', 'system', T.cred2Revoked), meta(T.cred2Revoked, 'system', { reason: 'client_deleted', correlationId: IDS.correlation2, causationId: deleted.id }))).position;
  return p;
}

/** Builds the live read model a node holds, the way the service does (ProjectionRunner: catch-up, then live). */
export async function buildLiveReadModel(store: EventStore, filename: string): Promise<void> {
  const readModel = new ReadModel({ filename });
  const projection = new ReadModelProjection(readModel, { logger: silentLogger });
  const runner = new ProjectionRunner(store, projection, { logger: silentLogger });
  runner.start();
  try {
    await runner.caughtUp;
  } finally {
    await runner.stop();
    readModel.close();
  }
}

/** Ways to alter what an adapter has stored, behind its back (what an attacker with storage access does). */
export interface Tamper {
  /** Adds 1 to one byte of the event's stored data: the first byte of the first occurrence of `find`. */
  changeByte(position: number, find: string): void;
  /** Removes the event from the log. */
  deleteEvent(position: number): void;
  /** Swaps the stored data and metadata of two events. */
  swapPayloads(a: number, b: number): void;
}

export interface AuditHarness {
  adapter: 'sqlite' | 'eventstoredb';
  store: EventStore;
  dataDir: string;
  /** The live read model file (DATA_DIR/read-model.sqlite). */
  readModelFilename: string;
  /** The environment the CLI needs to reach this log. */
  env: NodeJS.ProcessEnv;
  tamper: Tamper;
  close(): Promise<void>;
}

export interface AdapterCase {
  name: string;
  open(): Promise<AuditHarness>;
}

function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'audit-'));
}

/** SQLite: the embedded default, tampered with by a second better-sqlite3 connection that drops the append-only triggers. */
export const sqliteCase: AdapterCase = {
  name: 'sqlite',
  async open() {
    const dataDir = tempDataDir();
    const filename = join(dataDir, 'events.sqlite');
    const store = new SqliteEventStore({ filename });
    const edit = (work: (db: Database.Database) => void): void => {
      const db = new Database(filename);
      try {
        db.exec('DROP TRIGGER IF EXISTS events_are_immutable; DROP TRIGGER IF EXISTS events_are_never_deleted;');
        work(db);
      } finally {
        db.close();
      }
    };
    const tamper: Tamper = {
      changeByte(position, find) {
        edit((db) => {
          const row = db.prepare<[number], { data: string }>('SELECT data FROM events WHERE position = ?').get(position);
          if (!row) throw new Error(`no event at ${position}`);
          const at = row.data.indexOf(find);
          if (at < 0) throw new Error(`"${find}" not in event ${position}`);
          const changed = row.data.slice(0, at) + String.fromCharCode(row.data.charCodeAt(at) + 1) + row.data.slice(at + 1);
          db.prepare('UPDATE events SET data = ? WHERE position = ?').run(changed, position);
        });
      },
      deleteEvent(position) {
        edit((db) => {
          if (db.prepare('DELETE FROM events WHERE position = ?').run(position).changes !== 1) throw new Error(`no event at ${position}`);
        });
      },
      swapPayloads(a, b) {
        edit((db) => {
          const get = db.prepare<[number], { data: string; metadata: string }>('SELECT data, metadata FROM events WHERE position = ?');
          const [ra, rb] = [get.get(a), get.get(b)];
          if (!ra || !rb) throw new Error('no such events');
          const set = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?');
          db.transaction(() => {
            set.run(rb.data, rb.metadata, a);
            set.run(ra.data, ra.metadata, b);
          })();
        });
      },
    };
    return {
      adapter: 'sqlite',
      store,
      dataDir,
      readModelFilename: join(dataDir, READ_MODEL_FILE_NAME),
      env: { DATA_DIR: dataDir, EVENT_STORE: 'sqlite' },
      tamper,
      async close() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** The double's in-memory log, seen through its private arrays: it exposes no delete (neither does EventStoreDB, short of scavenging). */
interface DoubleInternals {
  all: StoredEvent[];
  streams: Map<string, StoredEvent[]>;
}

/**
 * EventStoreDB adapter over the TEST DOUBLE (a fresh double per harness: a
 * verify reads the whole `$all`). Tampering edits the double's stored bytes in
 * place, which is what a real server's storage would show after its chunk
 * files were edited.
 */
export const eventStoreDbCase: AdapterCase = {
  name: 'eventstoredb (test double)',
  async open() {
    const dataDir = tempDataDir();
    const double: EventStoreDbDouble = await startEventStoreDbDouble();
    const store = new EventStoreDbEventStore({ connectionString: double.connectionString });
    const internals = double.log as unknown as DoubleInternals;
    const find = (position: number): StoredEvent => {
      const event = internals.all.find((e) => e.position === position);
      if (!event) throw new Error(`no event at ${position}`);
      return event;
    };
    const tamper: Tamper = {
      changeByte(position, text) {
        const event = find(position);
        const at = Buffer.from(event.data).indexOf(text);
        if (at < 0) throw new Error(`"${text}" not in event ${position}`);
        event.data[at] += 1;
      },
      deleteEvent(position) {
        const event = find(position);
        internals.all.splice(internals.all.indexOf(event), 1);
        const stream = internals.streams.get(event.streamId) as StoredEvent[];
        stream.splice(stream.indexOf(event), 1);
      },
      swapPayloads(a, b) {
        const [ea, eb] = [find(a), find(b)];
        [ea.data, eb.data] = [eb.data, ea.data];
        [ea.customMetadata, eb.customMetadata] = [eb.customMetadata, ea.customMetadata];
      },
    };
    return {
      adapter: 'eventstoredb',
      store,
      dataDir,
      readModelFilename: join(dataDir, READ_MODEL_FILE_NAME),
      env: { DATA_DIR: dataDir, EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: double.connectionString },
      tamper,
      async close() {
        await store.close();
        await double.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const ADAPTER_CASES: AdapterCase[] = [sqliteCase, eventStoreDbCase];
