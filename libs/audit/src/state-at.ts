import type { EventStore, RecordedEvent } from '@app/event-store';
import { CLIENT_STREAM_PREFIX, clientStreamId, type ClientEvent } from '@app/clients/events';
import { evolveClient, initialClientState, recordedRefreshTokenPolicy, type ClientState } from '@app/clients';
import { REFRESH_TOKEN_STREAM_PREFIX, refreshTokenStreamId, type RefreshTokenEvent } from '@app/refresh-tokens/events';
import { credentialValidity, evolve, familyLifetime, initialState, isExpired, type CredentialValidity, type RefreshTokenState } from '@app/refresh-tokens';
import { hasValidData } from '@app/read-model/projected-events';
import { eventTime } from './instant';
import type { ProgressReporter } from './progress';
import { scanLog } from './scan';

/*
 * "Was it valid at T?", from the log alone, with the domain's own `evolve`
 * (no second copy of the rules).
 *
 * Which time: an event is in effect at T when its `metadata.occurredAt` (the
 * domain clock when the command was decided, the time every event carries on
 * both adapters) is at or before T; log positions are not times, and the
 * store's own record time is not part of the port. The events in effect are
 * folded in LOG order, because the log is the order the service applied them
 * and `evolve` depends on order (the first revocation stands). "At" is
 * inclusive: a token issued at T is valid at T, one revoked at T is not.
 * Clock skew between nodes could make occurredAt disagree with log order by
 * milliseconds; within one stream the expected-revision check makes them agree.
 *
 * Client: the service validates a token only while its client is active (the
 * read-model queries join on an active client), so a token whose client was
 * deleted at or before T is invalid at T even if its own RefreshTokenRevoked
 * (the cascade) was recorded later, or never.
 */

/** Why a token is or is not valid at T: the domain's own answer (`credentialValidity`). */
export type ValidityCode = CredentialValidity;

/** What issuance fixed, as auditors see it (the token only as its SHA-256). */
export interface CredentialAtIssue {
  credentialId: string;
  userId: string;
  clientId: string;
  deviceId: string;
  deviceName: string;
  scope: string;
  issuedAt: string;
  issuedPosition: number;
  tokenSha256: string;
}

export interface TokenValidity {
  credentialId: string;
  /** The instant asked about, ISO-8601. */
  at: string;
  valid: boolean;
  code: ValidityCode;
  /** One sentence for a human: the answer and its reason. */
  explanation: string;
  /** Null when no issuance is in effect at T. */
  credential: CredentialAtIssue | null;
  revocation?: { revokedAt: string; revokedBy: string; reason: string; logPosition: number };
  clientDeletion?: { clientId: string; deletedAt: string; logPosition: number };
  /** Events of the token's stream that occurred after T (not folded). */
  eventsAfter: number;
}

export interface StateAtOptions {
  /** Only this user's credentials. */
  userId?: string;
  progress?: ProgressReporter;
}

export interface StateAtReport {
  at: string;
  userId: string | null;
  /** The credentials valid at `at`, in issuance (log) order. */
  valid: CredentialAtIssue[];
  /** Credentials issued at or before `at` (valid or not), within the user filter. */
  issued: number;
  /** Events read. */
  events: number;
  /** Events left out: type not folded, malformed data, no parsable time, or about another stream. */
  skipped: number;
}

/** One refresh-token stream folded up to T, with where its state changed. */
class TokenFold {
  state: RefreshTokenState = initialState();
  issuedPosition = 0;
  revokedPosition = 0;
  revokedMs = 0;
  eventsAfter = 0;

  apply(event: RefreshTokenEvent, recorded: RecordedEvent, ms: number): void {
    const before = this.state;
    this.state = evolve(before, event);
    if (this.state === before) return;
    if (this.state.status === 'active') this.issuedPosition = recorded.position;
    if (this.state.status === 'revoked') {
      this.revokedPosition = recorded.position;
      this.revokedMs = ms;
    }
  }
}

/** One client stream folded up to T. */
class ClientFold {
  state: ClientState = initialClientState();
  deletedPosition = 0;
  deletedMs = 0;

  apply(event: ClientEvent, recorded: RecordedEvent, ms: number): void {
    const before = this.state;
    this.state = evolveClient(before, event);
    if (this.state !== before && this.state.status === 'deleted') {
      this.deletedPosition = recorded.position;
      this.deletedMs = ms;
    }
  }
}

type Admitted<E> = { kind: 'in_effect'; event: E; ms: number } | { kind: 'later' } | { kind: 'skipped' };

/** Whether a recorded refresh-token event is a well-formed one of its own stream, in effect at `atMs`. */
function admitTokenEvent(recorded: RecordedEvent, atMs: number): Admitted<RefreshTokenEvent> {
  const { type, data } = recorded;
  if (type !== 'RefreshTokenIssued' && type !== 'RefreshTokenRevoked' && type !== 'RefreshTokenRotated' && type !== 'RefreshTokenExchanged') {
    return { kind: 'skipped' };
  }
  if (!hasValidData(type, data) || refreshTokenStreamId(data.credentialId) !== recorded.streamId) return { kind: 'skipped' };
  const ms = eventTime(recorded.metadata.occurredAt);
  if (ms === undefined) return { kind: 'skipped' };
  if (ms > atMs) return { kind: 'later' };
  return { kind: 'in_effect', event: { type, data } as RefreshTokenEvent, ms };
}

function admitClientEvent(recorded: RecordedEvent, atMs: number): Admitted<ClientEvent> {
  const { type, data } = recorded;
  // ClientUpdated: the refresh-token policy in effect at T (lifetimes) may have changed since registration.
  if (type !== 'ClientRegistered' && type !== 'ClientUpdated' && type !== 'ClientDeleted') return { kind: 'skipped' };
  if (!hasValidData(type, data) || clientStreamId(data.clientId) !== recorded.streamId) return { kind: 'skipped' };
  const ms = eventTime(recorded.metadata.occurredAt);
  if (ms === undefined) return { kind: 'skipped' };
  if (ms > atMs) return { kind: 'later' };
  return { kind: 'in_effect', event: { type, data } as ClientEvent, ms };
}

/**
 * `audit state --at T --token ID`: whether one refresh token was valid at
 * `at`, and why. Reads two streams: the token's and its client's.
 */
export async function tokenStateAt(store: EventStore, credentialId: string, at: Date): Promise<TokenValidity> {
  const atMs = at.getTime();
  const token = new TokenFold();
  const everything = new TokenFold(); // the whole stream, to say what happened after T
  for (const recorded of await store.readStream(refreshTokenStreamId(credentialId))) {
    const admitted = admitTokenEvent(recorded, Number.POSITIVE_INFINITY);
    if (admitted.kind === 'in_effect') everything.apply(admitted.event, recorded, admitted.ms);
    const now = admitTokenEvent(recorded, atMs);
    if (now.kind === 'in_effect') token.apply(now.event, recorded, now.ms);
    else if (now.kind === 'later') token.eventsAfter++;
  }
  let client: ClientFold | undefined;
  if (token.state.status !== 'none') {
    client = new ClientFold();
    for (const recorded of await store.readStream(clientStreamId(token.state.clientId))) {
      const admitted = admitClientEvent(recorded, atMs);
      if (admitted.kind === 'in_effect') client.apply(admitted.event, recorded, admitted.ms);
    }
  }
  return judge(credentialId, at, token, client, everything.state);
}

/**
 * `audit state --at T [--user ID]`: every credential valid at `at`, rebuilt
 * from the log alone (one pass over the token and client streams).
 */
export async function stateAt(store: EventStore, at: Date, options: StateAtOptions = {}): Promise<StateAtReport> {
  const atMs = at.getTime();
  const tokens = new Map<string, TokenFold>();
  const clients = new Map<string, ClientFold>();
  let events = 0;
  let skipped = 0;
  for await (const recorded of scanLog(store, { streamPrefixes: [REFRESH_TOKEN_STREAM_PREFIX, CLIENT_STREAM_PREFIX], progress: options.progress })) {
    events++;
    if (recorded.streamId.startsWith(REFRESH_TOKEN_STREAM_PREFIX)) {
      const admitted = admitTokenEvent(recorded, atMs);
      if (admitted.kind === 'skipped') skipped++;
      if (admitted.kind !== 'in_effect') continue;
      let fold = tokens.get(recorded.streamId);
      if (!fold) {
        // Only an issuance starts a fold (anything else before it leaves the state 'none' anyway),
        // and only for the user asked about: memory holds that user's credentials, not the log's.
        if (admitted.event.type !== 'RefreshTokenIssued') continue;
        if (options.userId !== undefined && admitted.event.data.userId !== options.userId) continue;
        fold = new TokenFold();
        tokens.set(recorded.streamId, fold);
      }
      fold.apply(admitted.event, recorded, admitted.ms);
    } else {
      const admitted = admitClientEvent(recorded, atMs);
      if (admitted.kind === 'skipped') skipped++;
      if (admitted.kind !== 'in_effect') continue;
      const clientId = admitted.event.data.clientId;
      let fold = clients.get(clientId);
      if (!fold) clients.set(clientId, (fold = new ClientFold()));
      fold.apply(admitted.event, recorded, admitted.ms);
    }
  }
  const valid: CredentialAtIssue[] = [];
  let issued = 0;
  for (const fold of tokens.values()) {
    if (fold.state.status === 'none') continue;
    issued++;
    const verdict = judge(fold.state.credentialId, at, fold, clients.get(fold.state.clientId), fold.state);
    if (verdict.valid && verdict.credential) valid.push(verdict.credential);
  }
  valid.sort((a, b) => a.issuedPosition - b.issuedPosition);
  return { at: at.toISOString(), userId: options.userId ?? null, valid, issued, events, skipped };
}

function judge(credentialId: string, at: Date, token: TokenFold, client: ClientFold | undefined, finalState: RefreshTokenState): TokenValidity {
  const atText = at.toISOString();
  const base = { credentialId, at: atText, eventsAfter: token.eventsAfter };
  const state = token.state;
  if (state.status === 'none') {
    const later = finalState.status !== 'none' ? `; it was issued later, at ${finalState.issuedAt}` : '; the log has no such credential';
    return { ...base, valid: false, code: 'not_issued', credential: null, explanation: `not valid at ${atText}: not issued at or before that instant${later}` };
  }
  const credential: CredentialAtIssue = {
    credentialId: state.credentialId,
    userId: state.userId,
    clientId: state.clientId,
    deviceId: state.deviceId,
    deviceName: state.deviceName,
    scope: state.scope,
    issuedAt: state.issuedAt,
    issuedPosition: token.issuedPosition,
    tokenSha256: state.tokenHash,
  };
  const clientState = client?.state ?? initialClientState();
  const revocation =
    state.status === 'revoked'
      ? { revokedAt: state.revokedAt, revokedBy: state.revokedBy, reason: state.reason, logPosition: token.revokedPosition }
      : undefined;
  const clientDeletion =
    clientState.status === 'deleted' && client
      ? { clientId: state.clientId, deletedAt: clientState.deletedAt, logPosition: client.deletedPosition }
      : undefined;
  const withFacts = { ...base, credential, ...(revocation && { revocation }), ...(clientDeletion && { clientDeletion }) };

  // The domain's rule decides (lifetimes under the client's policy as it stood at T); when both a revocation and a
  // client deletion apply, the one that took effect first is the reason.
  const lifetime = familyLifetime(state, recordedRefreshTokenPolicy(clientState.status === 'none' ? undefined : clientState.refreshToken));
  let code = credentialValidity(state.status, clientState.status, isExpired(lifetime, at));
  const deletedFirst =
    code === 'revoked' &&
    clientDeletion !== undefined &&
    client !== undefined &&
    (client.deletedMs < token.revokedMs || (client.deletedMs === token.revokedMs && client.deletedPosition < token.revokedPosition));
  if (deletedFirst) code = 'client_deleted';
  if (code === 'revoked' && revocation) {
    return {
      ...withFacts,
      valid: false,
      code,
      explanation: `not valid at ${atText}: revoked at ${revocation.revokedAt} by ${revocation.revokedBy} (reason ${revocation.reason}, log position ${revocation.logPosition})`,
    };
  }
  if (code === 'client_deleted' && clientDeletion) {
    return {
      ...withFacts,
      valid: false,
      code,
      explanation: `not valid at ${atText}: its client ${clientDeletion.clientId} was deleted at ${clientDeletion.deletedAt} (log position ${clientDeletion.logPosition}); the service refuses every token of a deleted client from that moment, even before the token's own revocation event`,
    };
  }
  if (code === 'client_unknown') {
    return {
      ...withFacts,
      valid: false,
      code,
      explanation: `not valid at ${atText}: its client ${state.clientId} was not registered at that instant; the service accepts only tokens of an active client`,
    };
  }
  if (code === 'expired') {
    const reasons = [
      lifetime.expiresAt !== null && Date.parse(lifetime.expiresAt) <= at.getTime() ? `its lifetime ended at ${lifetime.expiresAt}` : undefined,
      lifetime.idleExpiresAt !== null && Date.parse(lifetime.idleExpiresAt) <= at.getTime() ? `it was idle past ${lifetime.idleExpiresAt}` : undefined,
    ].filter((r) => r !== undefined);
    return { ...withFacts, valid: false, code, explanation: `not valid at ${atText}: expired (${reasons.join('; ')}) under its client's refresh-token policy` };
  }
  const later = finalState.status === 'revoked' ? `; revoked later, at ${finalState.revokedAt} by ${finalState.revokedBy}` : '';
  return {
    ...withFacts,
    valid: code === 'valid',
    code,
    explanation: `valid at ${atText}: issued at ${state.issuedAt} (log position ${token.issuedPosition}) to user ${state.userId} for client ${state.clientId}, not revoked at that instant${later}`,
  };
}
