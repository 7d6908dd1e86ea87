/** Builders of refresh-token events as the domain appends them, for feeding a real event store in tests. */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import { refreshTokenStreamId, type RefreshTokenIssuedData, type RefreshTokenRevokedData } from '@app/refresh-tokens';

export interface TestCredential {
  credentialId: string;
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
}

let counter = 0;

export function testCredential(overrides: Partial<TestCredential> = {}): TestCredential {
  counter += 1;
  return {
    credentialId: `dcr_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
    clientId: 'client-a',
    userId: `auth0|user-${counter}`,
    deviceId: `device-${counter}`,
    deviceName: `Phone ${counter}`,
    ...overrides,
  };
}

/** Appends RefreshTokenIssued (revision 0). */
export async function issue(store: EventStore, c: TestCredential, at = new Date()): Promise<number> {
  const data: RefreshTokenIssuedData = {
    ...c,
    tokenHash: 'a'.repeat(64),
    scope: 'openid offline_access',
    issuedAt: at.toISOString(),
  };
  const event: NewEvent = { id: randomUUID(), type: 'RefreshTokenIssued', data: { ...data }, metadata: { actor: 'test', occurredAt: at.toISOString() } };
  return (await store.appendToStream(refreshTokenStreamId(c.credentialId), [event], { expectedRevision: 'no_stream' })).position;
}

/** Appends RefreshTokenRevoked after the issuance (revision 1); returns the event id (the Kafka `ce_id`) and its position. */
export async function revoke(
  store: EventStore,
  c: TestCredential,
  opts: { reason?: string; revokedBy?: string; at?: Date } = {},
): Promise<{ eventId: string; position: number }> {
  const at = opts.at ?? new Date();
  const data: RefreshTokenRevokedData = {
    credentialId: c.credentialId,
    clientId: c.clientId,
    userId: c.userId,
    deviceId: c.deviceId,
    deviceName: c.deviceName,
    reason: opts.reason ?? 'device_credential_deleted',
    revokedBy: opts.revokedBy ?? 'mgmt-client',
    revokedAt: at.toISOString(),
  };
  const eventId = randomUUID();
  const event: NewEvent = {
    id: eventId,
    type: 'RefreshTokenRevoked',
    data: { ...data },
    metadata: { actor: data.revokedBy, reason: data.reason, occurredAt: at.toISOString() },
  };
  const { position } = await store.appendToStream(refreshTokenStreamId(c.credentialId), [event], { expectedRevision: 0 });
  return { eventId, position };
}

/** A RefreshTokenRevoked as the log records it, for building Kafka records with the relay's code without a store. */
export function recordedRevocation(credentialId: string, userId = 'auth0|u1', revokedAt = new Date().toISOString()): RecordedEvent {
  return {
    id: randomUUID(),
    streamId: refreshTokenStreamId(credentialId),
    revision: 1,
    position: 7,
    type: 'RefreshTokenRevoked',
    data: { credentialId, clientId: 'app', userId, deviceId: 'd', deviceName: 'Phone', reason: 'rfc7009', revokedBy: 'app', revokedAt },
    metadata: { actor: 'app', occurredAt: revokedAt },
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}
