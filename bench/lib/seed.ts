import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { generateRefreshToken, refreshTokenDecider, refreshTokenStreamId } from '@app/refresh-tokens';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import { cryptoIds } from '@app/shared';
import { generateCredentialId } from '@app/signing';

export interface SeededToken {
  refreshToken: string;
  clientId: string;
  userId: string;
}

/**
 * Issues `count` refresh tokens straight into DATA_DIR's event log through
 * the event-store port (the service must be stopped: it owns the DATA_DIR),
 * deciding each RefreshTokenIssued with the domain's decider as the service
 * does. Appends go out 1,000 at a time, so group commit writes each thousand
 * in one transaction: 100,000 credentials take seconds, not 100,000 fsyncs.
 * The next start of the service projects them into its read model.
 */
export async function seedRefreshTokens(
  dataDir: string,
  count: number,
  owner: (i: number) => { clientId: string; userId: string },
): Promise<SeededToken[]> {
  const store = new SqliteEventStore({ filename: join(dataDir, 'events.sqlite') });
  const seeded: SeededToken[] = [];
  try {
    const now = new Date();
    const metadata = { actor: 'bench-seed', occurredAt: now.toISOString() };
    for (let from = 0; from < count; from += 1000) {
      const appends: Promise<unknown>[] = [];
      for (let i = from; i < Math.min(count, from + 1000); i++) {
        const { clientId, userId } = owner(i);
        const refreshToken = generateRefreshToken(cryptoIds);
        const credentialId = generateCredentialId();
        const events = refreshTokenDecider.decide(
          {
            type: 'IssueRefreshToken',
            data: { credentialId, tokenHash: hashRefreshToken(refreshToken), clientId, userId, deviceId: credentialId, deviceName: `bench device ${i}`, scope: 'openid offline_access', now },
          },
          refreshTokenDecider.initialState(),
        );
        appends.push(
          store.appendToStream(
            refreshTokenStreamId(credentialId),
            events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as unknown as Record<string, unknown>, metadata })),
            { expectedRevision: 'no_stream' },
          ),
        );
        seeded.push({ refreshToken, clientId, userId });
      }
      await Promise.all(appends);
    }
  } finally {
    await store.close();
  }
  return seeded;
}
