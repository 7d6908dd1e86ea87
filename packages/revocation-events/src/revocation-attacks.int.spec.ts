/**
 * Playing a topic writer who is not the service, against the real broker of
 * test/global-setup.js: records written straight to the topic with kafkajs,
 * read by the listener as a downstream service would. Genuine records are
 * built and signed by the relay's own code with a real key store, whose JWKS
 * is served over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { Kafka, logLevel, type Message } from 'kafkajs';
// Test only: the relay's record builder and signer and the service's key store, so this proves the server → SDK round trip.
import type { RecordedEvent } from '@app/event-store';
import { keyStoreSigner, toKafkaMessage, toSignedKafkaMessage } from '@app/revocation-relay';
import { systemClock } from '@app/shared';
import { KeyStore } from '@app/signing';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { recordedRevocation } from '../../../test/kafka/events';
import type { RevocationKafkaMessage } from './message';
import { RevocationListener, type RevocationListenerOptions } from './revocation-listener';
import { revocationSigningInput } from './signing-input';

jest.setTimeout(90_000);

const ISSUER = 'https://auth.example.test/';
const HOUR = 3_600_000;


/** A copy of a record with some headers and value fields changed (what an attacker can do to a copy). */
function altered(m: RevocationKafkaMessage, headers: Record<string, string>, value: Record<string, unknown> = {}): Message {
  return { key: m.key, headers: { ...m.headers, ...headers }, value: JSON.stringify({ ...JSON.parse(m.value), ...value }) };
}

describe('RevocationListener under attack by a topic writer (real broker)', () => {
  let root: string;
  let keys: KeyStore;
  let foreignKeys: KeyStore;
  let jwksServer: Server;
  let jwksUri: string;
  let kafka: Kafka;
  let topic: string;
  const listeners: RevocationListener[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'revocation-attacks-'));
    keys = await KeyStore.open({ dir: join(root, 'service-keys'), clock: systemClock });
    foreignKeys = await KeyStore.open({ dir: join(root, 'foreign-keys'), clock: systemClock });
    // The service's JWKS as it publishes it, read at each request (a rotation shows at once).
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keys.jwks())));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    kafka = new Kafka({ clientId: 'attack-test', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await new Promise((resolve) => jwksServer.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    topic = uniqueTopic('attacks');
  });
  afterEach(async () => {
    for (const l of listeners.splice(0)) await l.stop();
  });

  const produce = async (messages: Message[]) => {
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  };
  const listen = async (options: Partial<RevocationListenerOptions> = {}) => {
    const listener = new RevocationListener({ brokers: testBrokers(), groupId: `svc-${randomUUID()}`, topic, maxWaitTimeMs: 200, ...options });
    listeners.push(listener);
    await listener.start();
    return listener;
  };
  const signed = (event: RecordedEvent) => toSignedKafkaMessage(event, ISSUER, keyStoreSigner(keys));
  /** Waits until the listener took `n` records into account, whichever way. */
  const processed = (listener: RevocationListener, n: number) => {
    const total = () => Object.entries(listener.stats()).reduce((sum, [k, v]) => (k === 'revoked' ? sum : sum + v), 0);
    return waitFor(() => total() >= n, 30_000, () => JSON.stringify(listener.stats()));
  };

  describe('the revocation set only grows (retentionMs set, no signatures)', () => {
    it('keeps a credential revoked after a later record for it says revoked_at 1970-01-01', async () => {
      const listener = await listen({ retentionMs: HOUR });
      const user = `auth0|${randomUUID()}`;
      await produce([toKafkaMessage(recordedRevocation('dcr_real', user), ISSUER)]);
      await waitFor(() => listener.isRevoked('dcr_real'), 30_000, () => JSON.stringify(listener.stats()));

      await produce([toKafkaMessage(recordedRevocation('dcr_real', user, '1970-01-01T00:00:00.000Z'), ISSUER)]);
      await processed(listener, 2);
      expect(listener.isRevoked('dcr_real')).toBe(true);
    });

    it('applies a real revocation whose ce_id an earlier forged record took, for another credential and time', async () => {
      const listener = await listen({ retentionMs: HOUR });
      const called: string[] = [];
      listener.onRevocation((e) => void called.push(e.subject));
      const user = `auth0|${randomUUID()}`;
      const real = toKafkaMessage(recordedRevocation('dcr_real', user), ISSUER);
      const forged = toKafkaMessage({ ...recordedRevocation('dcr_decoy', user, '1970-01-01T00:00:00.000Z'), id: real.headers.ce_id }, ISSUER);
      // One key, one partition: the forged record is read first.
      await produce([forged, real]);
      await processed(listener, 2);
      expect(listener.isRevoked('dcr_real')).toBe(true);
      await waitFor(() => called.includes('dcr_real'), 5_000, () => `callbacks: ${called.join(', ')}`);
    });

    it('still calls back once for a record delivered twice, and keeps it in the set', async () => {
      const listener = await listen({ retentionMs: HOUR });
      const called: string[] = [];
      listener.onRevocation((e) => void called.push(e.id));
      const message = toKafkaMessage(recordedRevocation('dcr_twice', `auth0|${randomUUID()}`), ISSUER);
      await produce([message, message]);
      await processed(listener, 2);
      expect(listener.stats()).toMatchObject({ received: 1, duplicates: 1, revoked: 1 });
      expect(listener.isRevoked('dcr_twice')).toBe(true);
      expect(called).toEqual([message.headers.ce_id]);
    });
  });

  describe('with issuer set', () => {
    it('ignores and counts a record from a foreign ce_source', async () => {
      const listener = await listen({ issuer: ISSUER });
      const user = `auth0|${randomUUID()}`;
      await produce([toKafkaMessage(recordedRevocation('dcr_foreign', user), 'https://evil.example/'), toKafkaMessage(recordedRevocation('dcr_sentinel', user), ISSUER)]);
      await waitFor(() => listener.isRevoked('dcr_sentinel'), 30_000, () => JSON.stringify(listener.stats()));
      expect(listener.isRevoked('dcr_foreign')).toBe(false);
      expect(listener.stats()).toMatchObject({ foreignSource: 1, received: 1 });
    });
  });

  describe('with jwksUri set', () => {
    /** Sends the attack records, then a genuine sentinel on the same partition; resolves once the sentinel was applied. */
    const attack = async (listener: RevocationListener, user: string, records: Message[]) => {
      const sentinel = `dcr_sentinel_${randomUUID().slice(0, 8)}`;
      await produce([...records, await signed(recordedRevocation(sentinel, user))]);
      await waitFor(() => listener.isRevoked(sentinel), 30_000, () => JSON.stringify(listener.stats()));
    };

    it('applies messages the relay signed', async () => {
      const listener = await listen({ issuer: ISSUER, jwksUri });
      const user = `auth0|${randomUUID()}`;
      await attack(listener, user, [await signed(recordedRevocation('dcr_genuine', user))]);
      expect(listener.isRevoked('dcr_genuine')).toBe(true);
      expect(listener.stats()).toMatchObject({ received: 2, unsigned: 0, badSignature: 0 });
    });

    it('ignores and counts an unsigned message', async () => {
      const listener = await listen({ issuer: ISSUER, jwksUri });
      const user = `auth0|${randomUUID()}`;
      await attack(listener, user, [toKafkaMessage(recordedRevocation('dcr_unsigned', user), ISSUER)]);
      expect(listener.isRevoked('dcr_unsigned')).toBe(false);
      expect(listener.stats()).toMatchObject({ unsigned: 1, received: 1 });
    });

    it('ignores and counts messages signed by a foreign key, under its own kid or under ours', async () => {
      // A short cooldown: the foreign kid is looked up again after it, as a key rotated in would be.
      const listener = await listen({ issuer: ISSUER, jwksUri, jwksCooldownMs: 500 });
      const user = `auth0|${randomUUID()}`;
      const ownKid = toKafkaMessage(recordedRevocation('dcr_foreign_kid', user), ISSUER);
      const foreignKid = { ...ownKid, headers: { ...ownKid.headers, ce_signature: await keyStoreSigner(foreignKeys)(revocationSigningInput(ownKid.headers, ownKid.value)) } };
      const ourKid = toKafkaMessage(recordedRevocation('dcr_our_kid', user), ISSUER);
      const foreign = foreignKeys.signingKey('RS256');
      const jws = await new CompactSign(revocationSigningInput(ourKid.headers, ourKid.value))
        .setProtectedHeader({ alg: 'RS256', kid: keys.signingKey('RS256').kid, typ: 'revocation+jws' })
        .sign(foreign.privateKey);
      const [header, , signature] = jws.split('.');
      await attack(listener, user, [foreignKid, { ...ourKid, headers: { ...ourKid.headers, ce_signature: `${header}..${signature}` } }]);
      await waitFor(() => listener.stats().badSignature === 2, 10_000, () => JSON.stringify(listener.stats()));
      expect(listener.isRevoked('dcr_foreign_kid')).toBe(false);
      expect(listener.isRevoked('dcr_our_kid')).toBe(false);
    });

    it('ignores and counts a signed message whose header or value was altered after signing', async () => {
      const listener = await listen({ issuer: ISSUER, jwksUri });
      const user = `auth0|${randomUUID()}`;
      const original = await signed(recordedRevocation('dcr_original', user));
      await attack(listener, user, [
        // Move the revocation to another credential, consistently in the header and the value.
        altered(original, { ce_subject: 'dcr_victim' }, { credential_id: 'dcr_victim' }),
        altered(original, { ce_time: '2001-01-01T00:00:00.000Z' }),
        altered(original, {}, { reason: 'evicted' }),
      ]);
      expect(listener.isRevoked('dcr_victim')).toBe(false);
      expect(listener.isRevoked('dcr_original')).toBe(false);
      expect(listener.stats()).toMatchObject({ badSignature: 3, received: 1 });
    });

    it('ignores and counts a valid signature replayed under another ce_id', async () => {
      const listener = await listen({ issuer: ISSUER, jwksUri });
      const called: string[] = [];
      listener.onRevocation((e) => void called.push(e.id));
      const user = `auth0|${randomUUID()}`;
      const original = await signed(recordedRevocation('dcr_replayed', user));
      const replayedId = randomUUID();
      await attack(listener, user, [altered(original, { ce_id: replayedId })]);
      expect(listener.isRevoked('dcr_replayed')).toBe(false);
      expect(listener.stats()).toMatchObject({ badSignature: 1, received: 1 });
      expect(called).not.toContain(replayedId);
    });

    it('holds a genuine message while the JWKS cannot be fetched, and applies it once it can (never drops it unjudged)', async () => {
      let up = false;
      const flaky = createServer((_req, res) => {
        if (up) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keys.jwks()));
        else res.writeHead(503).end();
      });
      await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
      try {
        const listener = await listen({ issuer: ISSUER, jwksUri: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/jwks.json` });
        await produce([await signed(recordedRevocation('dcr_while_down', `auth0|${randomUUID()}`))]);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        expect(listener.isRevoked('dcr_while_down')).toBe(false);
        expect(listener.stats()).toMatchObject({ received: 0, unsigned: 0, badSignature: 0 });
        up = true;
        await waitFor(() => listener.isRevoked('dcr_while_down'), 30_000, () => JSON.stringify(listener.stats()));
        expect(listener.stats()).toMatchObject({ received: 1, badSignature: 0 });
      } finally {
        await new Promise((resolve) => flaky.close(resolve));
      }
    });

    it('applies a message signed by a key rotated in after the JWKS was fetched, once the cooldown allows a refetch', async () => {
      const listener = await listen({ issuer: ISSUER, jwksUri, jwksCooldownMs: 1_000 });
      const user = `auth0|${randomUUID()}`;
      await attack(listener, user, []); // the listener has fetched the JWKS
      // The relay signs with the ES256 key of a generated key set.
      const before = keys.signingKey('ES256').kid;
      await keys.rotate('ES256');
      expect(keys.signingKey('ES256').kid).not.toBe(before);
      await produce([await signed(recordedRevocation('dcr_after_rotation', user))]);
      await waitFor(() => listener.isRevoked('dcr_after_rotation'), 30_000, () => JSON.stringify(listener.stats()));
      expect(listener.stats()).toMatchObject({ badSignature: 0, received: 2 });
    });
  });
});
