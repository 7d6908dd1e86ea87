// The consumer SDK against the real broker of test/global-setup.js (no kafkajs mocks).
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { Kafka, logLevel, type Message } from 'kafkajs';
// Test only: the relay's record builder, so this proves the server → SDK round trip.
import { toKafkaMessage } from '@app/revocation-relay';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { recordedRevocation } from '../../../test/kafka/events';

import { BrokerUnreachableError } from './errors';
import { RevocationListener } from './revocation-listener';

jest.setTimeout(60_000);

const ISSUER = 'https://auth.example.test/';


describe('RevocationListener (real broker)', () => {
  let topic: string;
  let kafka: Kafka;
  const listeners: RevocationListener[] = [];

  // Records are written straight to the topic with kafkajs: the listener under test reads them as a downstream service would.
  const produce = async (messages: Message[]) => {
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  };
  const listen = async (options: Partial<ConstructorParameters<typeof RevocationListener>[0]> = {}) => {
    const listener = new RevocationListener({ brokers: testBrokers(), groupId: `svc-${randomUUID()}`, topic, ...options });
    listeners.push(listener);
    await listener.start();
    return listener;
  };

  beforeEach(() => {
    topic = uniqueTopic('listener');
    kafka = new Kafka({ clientId: 'listener-test', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  });
  afterEach(async () => {
    for (const l of listeners.splice(0)) await l.stop();
  });

  describe('on start', () => {
    it('rejects with its own BROKER_UNREACHABLE error, not a kafkajs one, when no broker answers', async () => {
      const closed = `127.0.0.1:${await closedPort()}`;
      const listener = new RevocationListener({ brokers: [closed], groupId: `svc-${randomUUID()}`, topic, kafka: { connectionTimeout: 500, retry: { retries: 1, initialRetryTime: 50 } } });
      listeners.push(listener);

      const failure = await listener.start().then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(BrokerUnreachableError);
      expect(failure).toMatchObject({ code: 'BROKER_UNREACHABLE', message: expect.stringContaining(`no Kafka broker of ${closed} answered`) });
      expect((failure as Error).cause).toMatchObject({ name: expect.stringMatching(/^KafkaJS/) });
    });

    it('rebuilds the revocation set from the retained topic before it resolves', async () => {
      await produce([toKafkaMessage(recordedRevocation('dcr_old1'), ISSUER), toKafkaMessage(recordedRevocation('dcr_old2', 'auth0|u2'), ISSUER)]);
      const listener = await listen();
      expect(listener.isReady()).toBe(true);
      expect(listener.isRevoked('dcr_old1')).toBe(true);
      expect(listener.isRevoked('dcr_old2')).toBe(true);
      expect(listener.isRevoked('dcr_never')).toBe(false);
    });

    it('rebuilds again after a restart with the same group (offsets are not committed by default)', async () => {
      await produce([toKafkaMessage(recordedRevocation('dcr_r1'), ISSUER)]);
      const groupId = `svc-${randomUUID()}`;
      const first = await listen({ groupId });
      expect(first.isRevoked('dcr_r1')).toBe(true);
      await first.stop();
      const second = await listen({ groupId });
      expect(second.isRevoked('dcr_r1')).toBe(true);
    });
  });

  describe('when a revocation is delivered twice (at-least-once relay)', () => {
    it('applies it once and counts the duplicate by ce_id', async () => {
      const listener = await listen();
      const seen: string[] = [];
      listener.onRevocation((e) => void seen.push(e.id));
      const message = toKafkaMessage(recordedRevocation('dcr_dup'), ISSUER);
      await produce([message, message]);
      await waitFor(() => listener.stats().duplicates === 1, 20_000, () => JSON.stringify(listener.stats()));
      expect(listener.stats()).toMatchObject({ received: 1, duplicates: 1, revoked: 1 });
      expect(seen).toEqual([message.headers.ce_id]);
    });
  });

  describe('when a record breaks the contract', () => {
    it('skips and counts it, and keeps consuming', async () => {
      const listener = await listen();
      const good = toKafkaMessage(recordedRevocation('dcr_after_bad'), ISSUER);
      await produce([{ key: 'x', value: 'not json', headers: { ce_type: 'refresh_token.revoked' } }, good]);
      // The two records may land on different partitions, consumed in either order: wait for both.
      await waitFor(
        () => listener.isRevoked('dcr_after_bad') && listener.stats().invalid === 1,
        20_000,
        () => JSON.stringify(listener.stats()),
      );
      expect(listener.stats()).toMatchObject({ invalid: 1, received: 1 });
    });
  });

  describe('verifyIdTokenNotRevoked', () => {
    let privateKey: KeyLike;
    let jwk: JWK;
    const mint = (sid: string | undefined, claims: { aud?: string; iss?: string } = {}) =>
      new SignJWT(sid === undefined ? {} : { sid })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(claims.iss ?? ISSUER)
        .setSubject('auth0|u1')
        .setAudience(claims.aud ?? 'downstream-app')
        .setIssuedAt()
        .setExpirationTime('10h')
        .sign(privateKey);

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    });

    it('accepts a valid id_token of a live credential and returns its claims', async () => {
      const listener = await listen();
      const claims = await listener.verifyIdTokenNotRevoked(await mint('dcr_live'), {
        jwks: { keys: [jwk] },
        issuer: ISSUER,
        audience: 'downstream-app',
      });
      expect(claims).toMatchObject({ sid: 'dcr_live', sub: 'auth0|u1', iss: ISSUER });
    });

    it('rejects an id_token whose credential was revoked, with CREDENTIAL_REVOKED, as soon as the event arrives', async () => {
      const listener = await listen();
      const token = await mint('dcr_soon_revoked');
      const options = { jwks: { keys: [jwk] }, issuer: ISSUER, audience: 'downstream-app' };
      await expect(listener.verifyIdTokenNotRevoked(token, options)).resolves.toMatchObject({ sid: 'dcr_soon_revoked' });

      await produce([toKafkaMessage(recordedRevocation('dcr_soon_revoked'), ISSUER)]);
      await waitFor(() => listener.isRevoked('dcr_soon_revoked'), 20_000, () => JSON.stringify(listener.stats()));
      await expect(listener.verifyIdTokenNotRevoked(token, options)).rejects.toMatchObject({
        code: 'CREDENTIAL_REVOKED',
        credentialId: 'dcr_soon_revoked',
      });
    });

    it('rejects a token without sid, of another audience, or before the listener caught up', async () => {
      const options = { jwks: { keys: [jwk] }, issuer: ISSUER, audience: 'downstream-app' };
      const notStarted = new RevocationListener({ brokers: testBrokers(), groupId: 'unused', topic });
      await expect(notStarted.verifyIdTokenNotRevoked(await mint('dcr_x'), options)).rejects.toMatchObject({ code: 'LISTENER_NOT_READY' });

      const listener = await listen();
      await expect(listener.verifyIdTokenNotRevoked(await mint(undefined), options)).rejects.toMatchObject({ code: 'ID_TOKEN_WITHOUT_SID' });
      await expect(listener.verifyIdTokenNotRevoked(await mint('dcr_x', { aud: 'someone-else' }), options)).rejects.toMatchObject({
        code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      });
    });
  });
});

/** A loopback port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
