import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { canonicalJson, GENESIS_HASH, hashStoredContent, SqliteEventStore, type EventMetadata } from '@app/event-store';

export interface GeneratedLog {
  events: number;
  /** Credentials issued and not revoked at the end of the log. */
  validCredentials: number;
}

/**
 * Writes a log of `total` events into a new SQLite event-store file: 100
 * clients, then issuances, and (with `revocationShare` > 0) revocations of
 * earlier tokens, 1,000 issuances after their own. The schema comes from
 * SqliteEventStore itself; the rows are written by a second connection with
 * synchronous=OFF in transactions of 10,000, each hash computed with
 * integrity.ts and stored as canonical JSON exactly as the adapter does (a million appends through the
 * port would measure the disk, not what is benchmarked on top of the log).
 */
export function generateEventLog(eventsFile: string, total: number, revocationShare = 0.4): GeneratedLog {
  new SqliteEventStore({ filename: eventsFile }).close(); // creates the schema the adapter owns
  const db = new Database(eventsFile);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, prev_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const base = Date.parse('2024-01-01T00:00:00Z');
  let n = 0;
  const heads = new Map<string, string>(); // issued, not yet revoked: stream -> head hash
  const write = (streamId: string, revision: number, type: string, data: Record<string, unknown>, actor: string, reason?: string): string => {
    const occurredAt = new Date(base + n * 1000).toISOString();
    const metadata: EventMetadata = { actor, occurredAt, correlationId: `corr-${n}`, ...(reason && { reason }) };
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const prevHash = revision === 0 ? GENESIS_HASH : (heads.get(streamId) as string);
    const dataJson = canonicalJson(data);
    const metadataJson = canonicalJson(metadata);
    const hash = hashStoredContent(prevHash, { id, streamId, revision, type, data: dataJson, metadata: metadataJson });
    insert.run(id, streamId, revision, type, dataJson, metadataJson, prevHash, hash, occurredAt);
    n++;
    return hash;
  };
  const clients = 100;
  const revocations = Math.floor((total - clients) * revocationShare);
  const issuances = total - clients - revocations;
  const batch = db.transaction((work: () => void) => work());
  try {
    batch(() => {
      for (let c = 0; c < clients; c++) {
        const clientId = `client-${c}`;
        write(`client-${clientId}`, 0, 'ClientRegistered', {
          clientId, name: `app ${c}`, appType: 'native', tokenEndpointAuthMethod: 'none', clientSecretHash: null,
          jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 }, grantTypes: ['refresh_token'], createdAt: new Date(base).toISOString(),
        }, 'bootstrap');
      }
    });
    const LAG = 1000; // a token is revoked 1000 issuances after its own
    let revoked = 0;
    for (let from = 0; from < issuances; from += 10_000) {
      batch(() => {
        for (let i = from; i < Math.min(from + 10_000, issuances); i++) {
          const credentialId = `dcr_${i}`;
          const clientId = `client-${i % clients}`;
          const userId = `user-${i % 50_000}`;
          const device = { deviceId: `device-${i}`, deviceName: `device ${i % 7}` };
          const stream = `refreshToken-${credentialId}`;
          heads.set(stream, write(stream, 0, 'RefreshTokenIssued', {
            credentialId, tokenHash: createHash('sha256').update(`token-${i}`).digest('hex'),
            clientId, userId, ...device, scope: 'openid offline_access', issuedAt: new Date(base + n * 1000).toISOString(),
          }, 'login-service'));
          const j = i - LAG;
          if (j >= 0 && revoked < revocations) {
            const target = `dcr_${j}`;
            const targetStream = `refreshToken-${target}`;
            write(targetStream, 1, 'RefreshTokenRevoked', {
              credentialId: target, clientId: `client-${j % clients}`, userId: `user-${j % 50_000}`, deviceId: `device-${j}`, deviceName: `device ${j % 7}`,
              reason: 'device_credential_deleted', revokedBy: 'mgmt', revokedAt: new Date(base + n * 1000).toISOString(),
            }, 'mgmt', 'device_credential_deleted');
            heads.delete(targetStream);
            revoked++;
          }
        }
      });
    }
    return { events: n, validCredentials: issuances - revoked };
  } finally {
    db.close();
  }
}
