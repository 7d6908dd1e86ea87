import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '@app/read-model';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '@app/signing';
import { invalidClient, OAuthError } from '../errors/oauth-error';
import { ConsistentReads } from '../consistency/consistent-reads';
import { CLIENT_AUTHENTICATION_SETTINGS, type ClientAuthenticationSettings } from '../infrastructure/tokens';
import type { PresentedClient } from './presented-client';
import { FairWorkQueue, WorkQueueRefusal } from './fair-work-queue';
import { networkOf } from './network-of';
import { tooManyRequests } from '../rate-limits/rate-limiter';
import { RateLimits } from '../rate-limits/rate-limits';

const CACHE_LIMIT = 10_000;
const BAD_CREDENTIALS = 'Unknown client or bad client credentials.';
/** Verifications waiting for a slot, in all and per network, as multiples of SCRYPT_CONCURRENCY. */
const WAITING_PER_SLOT = 32;
const WAITING_PER_SLOT_PER_NETWORK = 4;

/**
 * Authenticates OAuth clients (RFC 6749 §2.3). Secrets are stored as scrypt
 * verifiers, which cost tens of milliseconds and 32 MiB by design, so:
 * - failed attempts (a wrong secret, an unknown client id) are counted per
 *   (client id, network) and per network (an IPv4 address, an IPv6 /64);
 *   past either budget the answer is 429, decided before anything else, even
 *   for the right secret;
 * - a confirmed (secret, verifier) pair is remembered by its SHA-256, so a
 *   busy client pays scrypt once, not per request (a new secret misses);
 * - at most SCRYPT_CONCURRENCY verifications run at once; the others wait in
 *   a bounded queue (503 with Retry-After when it, or the network's share of
 *   it, is full), at most REQUEST_TIMEOUT_MS, known clients without recent
 *   failures first and networks served in turn, so a flood from one network
 *   does not hold up the others;
 * - an unknown client id is verified against a dummy verifier, so it costs
 *   what a wrong secret costs.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly confirmed = new Set<string>();
  private readonly queue: FairWorkQueue;
  private readonly dummyVerifier: Promise<string>;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly limits: RateLimits,
    @Inject(CLIENT_AUTHENTICATION_SETTINGS) settings: ClientAuthenticationSettings,
    private readonly reads: ConsistentReads,
  ) {
    const slots = settings.scryptConcurrency;
    this.queue = new FairWorkQueue(slots, WAITING_PER_SLOT * slots, WAITING_PER_SLOT_PER_NETWORK * slots);
    this.dummyVerifier = hashClientSecret(generateClientSecret());
    this.requestTimeoutMs = settings.requestTimeoutMs;
  }

  /**
   * The client, authenticated as its registration requires: a confidential
   * client must present its secret (Basic or post: both are accepted, as most
   * OAuth libraries pick one on their own); a public client presents none,
   * and one that sends a secret is refused (it has no secret to send).
   */
  async authenticate(presented: PresentedClient, clientIp: string): Promise<ClientRecord> {
    const basic = presented.method === 'client_secret_basic';
    // A client registered on another replica a moment ago: catch up before calling it unknown (invariant 9).
    const client = await this.reads.client(presented.clientId);
    const secret = presented.clientSecret;
    if (client?.clientSecretHash === null) {
      if (secret !== undefined) throw invalidClient('A public client must not send a client_secret.', basic);
      return client;
    }
    // One answer whether the id exists or not: "authentication required" would tell an attacker which ids are real.
    if (secret === undefined) throw invalidClient(BAD_CREDENTIALS, basic);

    const network = networkOf(clientIp);
    const keys = { pair: `${presented.clientId}|${network}`, network };
    // The limiter decides first: past it, not even a remembered right secret gets through.
    const clean = (await this.failuresSoFar(keys)) === 0;
    if (client && this.confirmed.has(cacheKey(client.clientSecretHash, secret))) return client;

    const verifier = client?.clientSecretHash ?? (await this.dummyVerifier);
    const lane = !client ? 'unknown' : clean ? 'clean' : 'known';
    const ok = await this.queue
      .run(network, lane, Date.now() + this.requestTimeoutMs, async () => {
        // Checked again once a slot is free: a burst queued behind it stops at the limit.
        await this.failuresSoFar(keys);
        return verifyClientSecret(secret, verifier);
      })
      .catch((error: unknown) => {
        if (error instanceof WorkQueueRefusal) throw busy(error.reason);
        throw error;
      });
    if (!client || !ok) {
      await Promise.all([this.limits.clientAuthFailures.penalize(keys.pair), this.limits.clientAuthFailuresPerNetwork.penalize(keys.network)]);
      throw invalidClient(BAD_CREDENTIALS, basic);
    }
    this.remember(cacheKey(client.clientSecretHash, secret));
    return client;
  }

  /** Failures counted against this (client id, network) and this network; 429 when either budget is spent. */
  private async failuresSoFar(keys: { pair: string; network: string }): Promise<number> {
    const [pair, network] = await Promise.all([
      this.limits.clientAuthFailures.check(keys.pair),
      this.limits.clientAuthFailuresPerNetwork.check(keys.network),
    ]);
    const refused = pair.refused ?? network.refused;
    if (refused) throw tooManyRequests(refused);
    return pair.spent + network.spent;
  }

  private remember(key: string): void {
    // Set keeps insertion order: past the limit the oldest confirmation goes.
    if (this.confirmed.size >= CACHE_LIMIT) this.confirmed.delete(this.confirmed.values().next().value as string);
    this.confirmed.add(key);
  }
}

function cacheKey(verifier: string, secret: string): string {
  return createHash('sha256').update(verifier).update('\0').update(secret).digest('base64');
}

/** 503: no slot for this verification now (the queue is full, or the wait outlasted REQUEST_TIMEOUT_MS). */
function busy(reason: WorkQueueRefusal['reason']): OAuthError {
  return new OAuthError(503, 'temporarily_unavailable', 'The service is busy. Retry later.', {
    headers: { 'Retry-After': '1' },
    detail: `client authentication queue: ${reason}`,
  });
}
