// The standalone relay signs every message with the service's keys (SIGNING_KEYS, as token-service
// has them): a downstream listener given the service's JWKS applies what it publishes. Real broker,
// real SQLite log, the real apps/revocation-relay entry point in a child process.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { systemClock } from '@app/shared';
import { generateSigningKey, KeyStore } from '@app/signing';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { RelayProcess } from '../../../test/kafka/relay-process';

jest.setTimeout(120_000);

const ISSUER = 'https://auth.example.test/';

describe('revocation-relay process with SIGNING_KEYS', () => {
  let dir: string;
  let store: SqliteEventStore;
  let relay: RelayProcess;
  let listener: RevocationListener;
  let jwksServer: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-signing-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
  });
  afterAll(async () => {
    await relay?.terminate();
    await listener?.stop();
    await store.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes revocations signed with those keys: a listener verifying against their JWKS applies them and ignores nothing', async () => {
    const signingKeys = JSON.stringify({ keys: [await generateSigningKey('RS256', { createdAt: new Date() })] });
    // The JWKS token-service would publish for these keys.
    const service = await KeyStore.open({ dir: join(dir, 'unused'), keysJson: signingKeys, clock: systemClock });
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(service.jwks())));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;

    const topic = uniqueTopic('relay-signing');
    const credential = testCredential();
    await issue(store, credential);
    await revoke(store, credential);
    relay = new RelayProcess({ DATA_DIR: dir, KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: topic, ISSUER, SIGNING_KEYS: signingKeys });
    await relay.start(60_000);

    listener = new RevocationListener({ brokers: testBrokers(), groupId: `svc-${randomUUID()}`, topic, issuer: ISSUER, jwksUri, maxWaitTimeMs: 200 });
    await listener.start();
    await waitFor(() => listener.isRevoked(credential.credentialId), 30_000, () => JSON.stringify(listener.stats()));
    expect(listener.stats()).toMatchObject({ received: 1, unsigned: 0, badSignature: 0, foreignSource: 0 });
  });
});
