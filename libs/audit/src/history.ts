import type { EventStore, RecordedEvent } from '@app/event-store';
import { CLIENT_GRANT_STREAM_PREFIX, CLIENT_STREAM_PREFIX, clientStreamId } from '@app/clients/events';
import { REFRESH_TOKEN_STREAM_PREFIX, refreshTokenStreamId } from '@app/refresh-tokens/events';
import { toHistoryEntry, type HistoryEntry } from './history-entry';
import type { ProgressReporter } from './progress';
import { scanLog } from './scan';

/*
 * Which log reads answer "what happened to X":
 *
 * - a token is one stream (`refreshToken-<id>`): read it, nothing else;
 * - a user's or a client's history spans many streams. We scan `$all`
 *   (filtered by stream prefix) and select by the events' own data rather
 *   than asking the read model for the credential ids: auditors distrust the
 *   read model (a diverged or tampered one would hide a token from its own
 *   history), and the log alone must answer. The cost is one pass over the
 *   token streams of the log per query, the same order as `verify`.
 */

/** Options of the history queries that scan the whole log. */
export interface HistoryScanOptions {
  progress?: ProgressReporter;
}

/**
 * Every event of one refresh token (device credential), in log order. An
 * empty array: no such credential (the HTTP API answers 404). Used by
 * `audit history --token` and `GET /api/v2/refresh-tokens/{id}/history`.
 */
export async function tokenHistory(store: EventStore, credentialId: string): Promise<HistoryEntry[]> {
  const events = await store.readStream(refreshTokenStreamId(credentialId));
  return events.map(toHistoryEntry);
}

/**
 * Every refresh-token event of a user's credentials, in log order: the
 * events whose data names the user, and every later event of a stream whose
 * issuance named the user (so a revocation whose copied `userId` is wrong
 * still shows where it belongs).
 */
export async function userHistory(store: EventStore, userId: string, options: HistoryScanOptions = {}): Promise<HistoryEntry[]> {
  return collect(store, [REFRESH_TOKEN_STREAM_PREFIX], 'userId', userId, () => false, options);
}

/**
 * A client's own events (registration, deletion, grants) and the events of
 * every refresh token issued to it, in log order.
 */
export async function clientHistory(store: EventStore, clientId: string, options: HistoryScanOptions = {}): Promise<HistoryEntry[]> {
  const ownStream = clientStreamId(clientId);
  return collect(
    store,
    [REFRESH_TOKEN_STREAM_PREFIX, CLIENT_STREAM_PREFIX, CLIENT_GRANT_STREAM_PREFIX],
    'clientId',
    clientId,
    (event) => event.streamId === ownStream,
    options,
  );
}

async function collect(
  store: EventStore,
  streamPrefixes: string[],
  field: 'userId' | 'clientId',
  value: string,
  alwaysInclude: (event: RecordedEvent) => boolean,
  options: HistoryScanOptions,
): Promise<HistoryEntry[]> {
  // Streams whose first event named the subject: their later events belong to it too.
  const streams = new Set<string>();
  const entries: HistoryEntry[] = [];
  for await (const event of scanLog(store, { streamPrefixes, progress: options.progress })) {
    const named = (event.data as Record<string, unknown>)[field] === value;
    if (named && event.revision === 0) streams.add(event.streamId);
    if (named || streams.has(event.streamId) || alwaysInclude(event)) entries.push(toHistoryEntry(event));
  }
  return entries;
}
