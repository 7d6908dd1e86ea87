import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import type { RecordedEvent } from '@app/event-store';
import { FixedClock } from '@app/shared';
import { KeyStore } from '@app/signing';
import { parseRevocationMessage, revocationSigningInput } from '@refresh-token-service/revocation-events';
import { keyStoreSigner } from './message-signer';
import { toKafkaMessage, toSignedKafkaMessage } from './to-kafka-message';

const revoked: RecordedEvent = {
  id: '0b6c3c5e-1f1a-4a55-9a4e-1d2f3a4b5c6d',
  streamId: 'refreshToken-dcr_1',
  revision: 1,
  position: 42,
  type: 'RefreshTokenRevoked',
  data: {
    credentialId: 'dcr_1',
    clientId: 'client-a',
    userId: 'auth0|u1',
    deviceId: 'dev-1',
    deviceName: 'Phone',
    reason: 'rfc7009',
    revokedBy: 'client-a',
    revokedAt: '2025-01-02T03:04:05.000Z',
  },
  metadata: { actor: 'client-a', occurredAt: '2025-01-02T03:04:05.000Z' },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
};

describe('toKafkaMessage', () => {
  it('builds CloudEvents 1.0 binary-mode headers, key = user id, and the snake_case value (product.md "Kafka message")', () => {
    const message = toKafkaMessage(revoked, 'https://auth.example.com/');
    expect(message.key).toBe('auth0|u1');
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: revoked.id,
      ce_source: 'https://auth.example.com/',
      ce_type: 'refresh_token.revoked',
      ce_time: '2025-01-02T03:04:05.000Z',
      ce_subject: 'dcr_1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(message.value)).toEqual({
      credential_id: 'dcr_1',
      client_id: 'client-a',
      user_id: 'auth0|u1',
      device_id: 'dev-1',
      device_name: 'Phone',
      reason: 'rfc7009',
      revoked_by: 'client-a',
      revoked_at: '2025-01-02T03:04:05.000Z',
      log_position: 42,
    });
  });

  it('refuses any other event type with NOT_A_REVOCATION_EVENT', () => {
    expect(() => toKafkaMessage({ ...revoked, type: 'RefreshTokenIssued' }, 'https://x/')).toThrow(
      expect.objectContaining({ code: 'NOT_A_REVOCATION_EVENT' }),
    );
  });
});

describe('parseRevocationMessage', () => {
  const wire = () => {
    const m = toKafkaMessage(revoked, 'https://auth.example.com/');
    // As kafkajs hands a consumed record over: Buffers.
    return {
      key: Buffer.from(m.key),
      value: Buffer.from(m.value),
      headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(v)])) as Record<string, Buffer>,
    };
  };

  it('round-trips a record built by toKafkaMessage', () => {
    const event = parseRevocationMessage(wire());
    expect(event).toMatchObject({ id: revoked.id, source: 'https://auth.example.com/', subject: 'dcr_1', key: 'auth0|u1' });
    expect(event.data.log_position).toBe(42);
  });

  it.each([
    ['a wrong ce_type', (r: ReturnType<typeof wire>) => void (r.headers.ce_type = Buffer.from('other.type'))],
    ['a missing ce_id', (r: ReturnType<typeof wire>) => void delete r.headers.ce_id],
    ['a non-JSON value', (r: ReturnType<typeof wire>) => void (r.value = Buffer.from('{nope'))],
    ['a value without credential_id', (r: ReturnType<typeof wire>) => {
      const v = JSON.parse(r.value.toString());
      delete v.credential_id;
      r.value = Buffer.from(JSON.stringify(v));
    }],
    ['ce_subject differing from credential_id', (r: ReturnType<typeof wire>) => void (r.headers.ce_subject = Buffer.from('dcr_other'))],
    ['a key differing from user_id', (r: ReturnType<typeof wire>) => void (r.key = Buffer.from('someone-else'))],
    ['a negative log_position', (r: ReturnType<typeof wire>) => {
      r.value = Buffer.from(JSON.stringify({ ...JSON.parse(r.value.toString()), log_position: -1 }));
    }],
  ])('rejects %s with INVALID_REVOCATION_MESSAGE', (_label, spoil) => {
    const record = wire();
    spoil(record);
    expect(() => parseRevocationMessage(record)).toThrow(expect.objectContaining({ code: 'INVALID_REVOCATION_MESSAGE' }));
  });
});

describe('toSignedKafkaMessage (product.md "Signed messages")', () => {
  let dir: string;
  let keys: KeyStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signed-message-'));
    keys = await KeyStore.open({ dir, clock: new FixedClock(new Date('2025-01-01T00:00:00Z')) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What a consumer in any language does: put the rebuilt signing input back in the middle of the compact JWS, verify with the JWKS. */
  const verify = (headers: Record<string, string>, value: string) => {
    const [header, , signature] = headers.ce_signature.split('.');
    return compactVerify(`${header}.${base64url.encode(revocationSigningInput(headers, value))}.${signature}`, createLocalJWKSet(keys.jwks()));
  };

  it('adds ce_signature, a detached compact JWS by the current ES256 key of the JWKS, typ revocation+jws, over the headers and value', async () => {
    const plain = toKafkaMessage(revoked, 'https://auth.example.com/');
    const message = await toSignedKafkaMessage(revoked, 'https://auth.example.com/', keyStoreSigner(keys));
    expect(message.value).toBe(plain.value);
    expect(message.headers).toEqual({ ...plain.headers, ce_signature: expect.stringMatching(/^[\w-]+\.\.[\w-]+$/) });
    expect(decodeProtectedHeader(message.headers.ce_signature!)).toEqual({ alg: 'ES256', kid: keys.signingKey('ES256').kid, typ: 'revocation+jws' });
    await expect(verify(message.headers as Record<string, string>, message.value)).resolves.toMatchObject({ protectedHeader: { alg: 'ES256' } });
  });

  it('signs with the RS256 key when the key set has no ES256 one (a provided SIGNING_KEYS needs RS256 only)', async () => {
    const rsaOnly = await KeyStore.open({
      dir: join(dir, 'unused'),
      keysJson: JSON.stringify({ keys: keys.list().filter((k) => k.alg === 'RS256').map((k) => JSON.parse(readFileSync(join(dir, `${k.kid}.jwk.json`), 'utf8')) as unknown) }),
      clock: new FixedClock(new Date('2025-01-01T00:00:00Z')),
    });
    const message = await toSignedKafkaMessage(revoked, 'https://auth.example.com/', keyStoreSigner(rsaOnly));
    expect(decodeProtectedHeader(message.headers.ce_signature!)).toMatchObject({ alg: 'RS256', kid: rsaOnly.signingKey('RS256').kid });
    await expect(verify(message.headers as Record<string, string>, message.value)).resolves.toMatchObject({ protectedHeader: { alg: 'RS256' } });
  });

  it('does not verify once a header or the value is changed', async () => {
    const message = await toSignedKafkaMessage(revoked, 'https://auth.example.com/', keyStoreSigner(keys));
    const headers = message.headers as Record<string, string>;
    await expect(verify({ ...headers, ce_id: 'another-id' }, message.value)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await expect(verify(headers, message.value.replace('rfc7009', 'evicted'))).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});
