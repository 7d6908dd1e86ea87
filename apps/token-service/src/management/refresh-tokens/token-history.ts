import type { EventStore } from '@app/event-store';
import { refreshTokenStreamId } from '@app/refresh-tokens';

// TEMPORARY until @app/audit lands; replaced by its tokenHistory.
export async function tokenHistory(store: EventStore, credentialId: string) {
  const events = await store.readStream(refreshTokenStreamId(credentialId));
  return events.map((e) => {
    const { tokenHash: _tokenHash, ...data } = e.data as Record<string, unknown>;
    return {
      type: e.type,
      time: e.metadata.occurredAt,
      log_position: e.position,
      actor: e.metadata.actor,
      reason: e.metadata.reason ?? null,
      data,
    };
  });
}
