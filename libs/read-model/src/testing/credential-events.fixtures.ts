/**
 * Test fixtures: event data of the projected types, and a hand-made log that
 * numbers positions and chains hashes the way a store does (integrity.ts), so
 * unit tests can feed the projection without a store.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ClientDeletedData, ClientGrantCreatedData, ClientGrantDeletedData, ClientRegisteredData } from '@app/clients/events';
import { clientGrantStreamId, clientStreamId } from '@app/clients/events';
import { computeEventHash, GENESIS_HASH, type EventMetadata, type NewEvent, type RecordedEvent } from '@app/event-store';
import type { RefreshTokenExchangedData, RefreshTokenIssuedData, RefreshTokenRevokedData, RefreshTokenRotatedData } from '@app/refresh-tokens/events';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';

export const T0 = '2025-01-01T00:00:00.000Z';
export const metadata = (actor = 'test'): EventMetadata => ({ actor, occurredAt: T0 });
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function clientRegistered(clientId: string, overrides: Partial<ClientRegisteredData> = {}): { type: 'ClientRegistered'; data: ClientRegisteredData } {
  return {
    type: 'ClientRegistered',
    data: {
      clientId,
      name: `app ${clientId}`,
      appType: 'native',
      tokenEndpointAuthMethod: 'none',
      clientSecretHash: null,
      jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 },
      grantTypes: ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      createdAt: T0,
      ...overrides,
    },
  };
}

export function clientDeleted(clientId: string): { type: 'ClientDeleted'; data: ClientDeletedData } {
  return { type: 'ClientDeleted', data: { clientId, deletedAt: T0 } };
}

export function grantCreated(grantId: string, clientId: string, audience: string, scope: string[]): { type: 'ClientGrantCreated'; data: ClientGrantCreatedData } {
  return { type: 'ClientGrantCreated', data: { grantId, clientId, audience, scope, createdAt: T0 } };
}

export function grantDeleted(grantId: string, clientId: string): { type: 'ClientGrantDeleted'; data: ClientGrantDeletedData } {
  return { type: 'ClientGrantDeleted', data: { grantId, clientId, deletedAt: T0 } };
}

export interface IssueFields {
  clientId?: string;
  userId?: string;
  deviceId?: string;
  deviceName?: string;
  scope?: string;
}

export function tokenIssued(credentialId: string, fields: IssueFields = {}): { type: 'RefreshTokenIssued'; data: RefreshTokenIssuedData } {
  return {
    type: 'RefreshTokenIssued',
    data: {
      credentialId,
      tokenHash: sha256(`token-of-${credentialId}`),
      clientId: fields.clientId ?? 'client-a',
      userId: fields.userId ?? 'user-1',
      deviceId: fields.deviceId ?? 'device-1',
      deviceName: fields.deviceName ?? 'phone',
      scope: fields.scope ?? 'openid offline_access',
      issuedAt: T0,
    },
  };
}

export function tokenRevoked(
  credentialId: string,
  fields: IssueFields & { reason?: string; revokedBy?: string; revokedAt?: string } = {},
): { type: 'RefreshTokenRevoked'; data: RefreshTokenRevokedData } {
  return {
    type: 'RefreshTokenRevoked',
    data: {
      credentialId,
      clientId: fields.clientId ?? 'client-a',
      userId: fields.userId ?? 'user-1',
      deviceId: fields.deviceId ?? 'device-1',
      deviceName: fields.deviceName ?? 'phone',
      reason: fields.reason ?? 'device_credential_deleted',
      revokedBy: fields.revokedBy ?? 'mgmt',
      revokedAt: fields.revokedAt ?? T0,
    },
  };
}

/** Generation `generation` of `credentialId`'s family: its secret is `token-of-<id>` at 0, `token-of-<id>@<generation>` after. */
export const familyHash = (credentialId: string, generation: number): string =>
  sha256(generation === 0 ? `token-of-${credentialId}` : `token-of-${credentialId}@${generation}`);

export function tokenRotated(
  credentialId: string,
  generation: number,
  fields: IssueFields & { rotatedAt?: string; expiresAt?: string | null; idleExpiresAt?: string | null } = {},
): { type: 'RefreshTokenRotated'; data: RefreshTokenRotatedData } {
  return {
    type: 'RefreshTokenRotated',
    data: {
      credentialId,
      clientId: fields.clientId ?? 'client-a',
      userId: fields.userId ?? 'user-1',
      deviceId: fields.deviceId ?? 'device-1',
      generation,
      tokenHash: familyHash(credentialId, generation),
      previousTokenHash: familyHash(credentialId, generation - 1),
      rotatedAt: fields.rotatedAt ?? T0,
      expiresAt: fields.expiresAt ?? null,
      idleExpiresAt: fields.idleExpiresAt ?? null,
    },
  };
}

export function tokenExchanged(
  credentialId: string,
  exchangedAt: string,
  lifetime: { expiresAt?: string | null; idleExpiresAt?: string | null } = {},
): { type: 'RefreshTokenExchanged'; data: RefreshTokenExchangedData } {
  return { type: 'RefreshTokenExchanged', data: { credentialId, exchangedAt, expiresAt: lifetime.expiresAt ?? null, idleExpiresAt: lifetime.idleExpiresAt ?? null } };
}

type EventBody = { type: string; data: object };

/** The stream an event of the fixtures belongs to. */
export function streamOf(event: EventBody): string {
  const data = event.data as Record<string, unknown>;
  if (typeof data.credentialId === 'string') return refreshTokenStreamId(data.credentialId);
  if (typeof data.grantId === 'string') return clientGrantStreamId(data.grantId);
  if (typeof data.clientId === 'string') return clientStreamId(data.clientId);
  throw new Error(`no stream for ${event.type}`);
}

/** A NewEvent to append to a real store. */
export function newEvent(event: EventBody, actor = 'test'): NewEvent {
  return { id: randomUUID(), type: event.type, data: event.data as Record<string, unknown>, metadata: metadata(actor) };
}

/** A log in memory: positions from 1 (with an optional gap), revisions and hash chains per stream. */
export class HandMadeLog {
  private position = 0;
  private readonly heads = new Map<string, { revision: number; hash: string }>();

  /** Records `event` in its own stream (or `streamId`), `gap` positions after the previous one. */
  record(event: EventBody, options: { streamId?: string; gap?: number } = {}): RecordedEvent {
    const streamId = options.streamId ?? streamOf(event);
    const head = this.heads.get(streamId);
    const revision = head ? head.revision + 1 : 0;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const content = { id: randomUUID(), streamId, revision, type: event.type, data: event.data, metadata: metadata() };
    const hash = computeEventHash(prevHash, content);
    this.heads.set(streamId, { revision, hash });
    this.position += options.gap ?? 1;
    return { ...content, data: event.data as Record<string, unknown>, position: this.position, prevHash, hash };
  }
}
