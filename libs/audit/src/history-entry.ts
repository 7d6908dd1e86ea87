import type { RecordedEvent } from '@app/event-store';

/**
 * One event as auditors see it: the shape of `audit history --json` and of
 * `GET /api/v2/refresh-tokens/{id}/history` (product.md, `{"events": [...]}`),
 * and the base of each `audit export` line.
 *
 * `data` is an allow-list per event type, never the stored payload as is:
 * invariant 2 forbids a secret anywhere but the 201 that issues a token, so
 * the token appears only as its SHA-256 (`token_sha256`), a client's secret
 * verifier and sealed secret not at all, and an event type this code does not
 * know shows no data (we cannot tell what in it is secret).
 */
export interface HistoryEntry {
  type: string;
  /** ISO-8601: `metadata.occurredAt`, the domain clock when the command was decided. */
  time: string;
  /** Global log position (SQLite row position, EventStoreDB commit position). */
  log_position: number;
  actor: string;
  /** The metadata reason, else the revocation's own `reason`; null when none was recorded. */
  reason: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  data: HistoryData;
}

export type HistoryData = Record<string, string | number | boolean | null | string[] | Record<string, string | number>>;

type Fields = Record<string, unknown>;

/** Which fields of each known event type are shown, and under which name. */
const VISIBLE_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  RefreshTokenIssued: {
    credentialId: 'credential_id',
    clientId: 'client_id',
    userId: 'user_id',
    deviceId: 'device_id',
    deviceName: 'device_name',
    scope: 'scope',
    issuedAt: 'issued_at',
    tokenHash: 'token_sha256',
    // A public key's thumbprint (F15): no secret; absent for an unbound token.
    dpopJkt: 'dpop_jkt',
  },
  RefreshTokenRevoked: {
    credentialId: 'credential_id',
    clientId: 'client_id',
    userId: 'user_id',
    deviceId: 'device_id',
    deviceName: 'device_name',
    reason: 'reason',
    revokedBy: 'revoked_by',
    revokedAt: 'revoked_at',
  },
  // A rotation's two hashes are left out: the generation names the secret, and a hash of a live secret helps no auditor.
  RefreshTokenRotated: {
    credentialId: 'credential_id',
    clientId: 'client_id',
    userId: 'user_id',
    deviceId: 'device_id',
    generation: 'generation',
    rotatedAt: 'rotated_at',
    expiresAt: 'expires_at',
    idleExpiresAt: 'idle_expires_at',
  },
  RefreshTokenExchanged: { credentialId: 'credential_id', exchangedAt: 'exchanged_at', expiresAt: 'expires_at', idleExpiresAt: 'idle_expires_at' },
  // clientSecretHash and sealedClientSecret are left out on purpose (invariant 2).
  ClientRegistered: {
    clientId: 'client_id',
    name: 'name',
    appType: 'app_type',
    tokenEndpointAuthMethod: 'token_endpoint_auth_method',
    jwtConfiguration: 'jwt_configuration',
    grantTypes: 'grant_types',
    allowedClients: 'allowed_clients',
    createdAt: 'created_at',
  },
  ClientDeleted: { clientId: 'client_id', deletedAt: 'deleted_at' },
  ClientGrantCreated: { grantId: 'grant_id', clientId: 'client_id', audience: 'audience', scope: 'scope', createdAt: 'created_at' },
  ClientGrantDeleted: { grantId: 'grant_id', clientId: 'client_id', deletedAt: 'deleted_at' },
};

/** Maps a recorded event to its audit entry (no secret, see HistoryEntry). */
export function toHistoryEntry(event: RecordedEvent): HistoryEntry {
  const metadata = event.metadata as Partial<RecordedEvent['metadata']>;
  const data = event.data as Fields;
  return {
    type: event.type,
    time: stringOr(metadata.occurredAt, ''),
    log_position: event.position,
    actor: stringOr(metadata.actor, ''),
    reason: stringOr(metadata.reason, null) ?? stringOr(event.type === 'RefreshTokenRevoked' ? data.reason : undefined, null),
    correlation_id: stringOr(metadata.correlationId, null),
    causation_id: stringOr(metadata.causationId, null),
    data: visibleData(event.type, data),
  };
}

/** The allow-listed fields of `data`, renamed to snake_case; values of an unexpected shape are dropped. */
export function visibleData(type: string, data: Fields): HistoryData {
  const fields = VISIBLE_FIELDS[type];
  const out: HistoryData = {};
  if (!fields) return out;
  for (const [from, to] of Object.entries(fields)) {
    const value = data[from];
    if (from === 'jwtConfiguration') {
      const jwt = isObject(value) ? value : undefined;
      if (jwt) out[to] = pickPrimitives(jwt, { alg: 'alg', lifetimeInSeconds: 'lifetime_in_seconds' });
      continue;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) out[to] = value;
    else if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) out[to] = [...value];
  }
  return out;
}

function pickPrimitives(value: Fields, names: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [from, to] of Object.entries(names)) {
    const v = value[from];
    if (typeof v === 'string' || typeof v === 'number') out[to] = v;
  }
  return out;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr<T extends string | null>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
