/**
 * What the rotation suites share: a client with a refresh-token policy, the
 * refresh grant at /oauth/token, the family's events as the log holds them,
 * and the successor the service must answer (derived here from the DATA_KEY
 * the suite gave it, by the formula decisions.md states, as an oracle).
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { refreshTokenStreamId } from '@app/refresh-tokens';
import { EVENT_STORE } from '../../apps/token-service/src/infrastructure/tokens';
import { createClient, type CreatedClient, type OAuthErrorBody } from './fixtures';
import type { HttpResponse } from './http-client';
import type { TokenServiceUnderTest } from './token-service';

export interface PolicyBody {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  leeway?: number;
  token_lifetime?: number;
  infinite_token_lifetime?: boolean;
  idle_token_lifetime?: number;
  infinite_idle_token_lifetime?: boolean;
}

export interface RefreshGrantBody {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** 32 bytes the suite gives the service as DATA_KEY, so it can compute the successors itself. */
export const SUITE_DATA_KEY = randomBytes(32);

export const rotationEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  DATA_KEY: SUITE_DATA_KEY.toString('base64'),
  DELEGATION_RATE_LIMIT: '0',
  ...extra,
});

/** A public native app with this refresh-token policy. */
export const clientWithPolicy = (svc: TokenServiceUnderTest, refreshToken: PolicyBody): Promise<CreatedClient> =>
  createClient(svc, { app_type: 'native', refresh_token: refreshToken });

/** POST /oauth/token grant_type=refresh_token for a public client. */
export const refreshGrant = (svc: TokenServiceUnderTest, clientId: string, refreshToken: string): Promise<HttpResponse<RefreshGrantBody & OAuthErrorBody>> =>
  svc.http.post('/oauth/token', { form: { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken } });

/** The family's events, oldest first, as the event store holds them. */
export async function familyEvents(svc: TokenServiceUnderTest, credentialId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const events = await svc.service.get(EVENT_STORE).readStream(refreshTokenStreamId(credentialId));
  return events.map((e) => ({ type: e.type, data: e.data }));
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The successor that follows `predecessor` as generation `generation` of `credentialId`'s family. */
export function expectedSuccessor(credentialId: string, generation: number, predecessor: string): string {
  const key = Buffer.from(hkdfSync('sha256', SUITE_DATA_KEY, Buffer.alloc(0), 'refresh-token successor v1', 32));
  return 'rt_' + createHmac('sha256', key).update(`${credentialId}\n${generation}\n${sha256(predecessor)}`).digest('base64url');
}

export const UNKNOWN = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
