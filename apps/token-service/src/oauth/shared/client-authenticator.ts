import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import type { ClientRecord } from '@app/read-model';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '@app/signing';
import { invalidClient } from '../../errors/oauth-error';
import type { AppConfig } from '@app/config';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { CONFIG } from '../../infrastructure/tokens';
import type { PresentedClient } from './client-credentials';
import { tooManyRequests } from './rate-limiter';
import { RateLimits } from './rate-limits';

const CACHE_LIMIT = 10_000;
const BAD_CREDENTIALS = 'Unknown client or bad client credentials.';
/** async-mutex runs higher priorities first: a key with no recent failure goes before suspects. */
const PRIORITY = { clean: 1, suspect: 0 } as const;

/**
 * Authenticates OAuth clients (RFC 6749 §2.3). Secrets are stored as scrypt
 * verifiers, which cost tens of milliseconds and 32 MiB by design, so:
 * - a confirmed (secret, verifier) pair is remembered by its SHA-256, so a
 *   busy client pays scrypt once, not per request (a new secret misses);
 * - failed attempts are counted per (client id, IP) and refused with 429
 *   past the limit, before any scrypt work;
 * - at most SCRYPT_CONCURRENCY verifications run at once; known clients
 *   without recent failures queue ahead of unknown ids and failing keys, so
 *   a flood of wrong secrets cannot starve legitimate authentications;
 * - an unknown client id is verified against a dummy verifier, so it costs
 *   what a wrong secret costs.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly confirmed = new Set<string>();
  private readonly scryptSlots: Semaphore;
  private readonly dummyVerifier: Promise<string>;

  constructor(
    private readonly limits: RateLimits,
    @Inject(CONFIG) config: AppConfig,
    private readonly reads: ConsistentReads,
  ) {
    this.scryptSlots = new Semaphore(config.scryptConcurrency);
    this.dummyVerifier = hashClientSecret(generateClientSecret());
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
    if (secret === undefined) throw invalidClient(client ? 'Client authentication is required.' : BAD_CREDENTIALS, basic);
    if (client && this.confirmed.has(cacheKey(client.clientSecretHash, secret))) return client;

    const failures = this.limits.clientAuthFailures;
    const key = `${presented.clientId}|${clientIp}`;
    const before = await failures.check(key);
    if (before.refused) throw tooManyRequests(before.refused);
    const priority = client && before.spent === 0 ? PRIORITY.clean : PRIORITY.suspect;
    const verifier = client?.clientSecretHash ?? (await this.dummyVerifier);
    const ok = await this.scryptSlots.runExclusive(
      async () => {
        // Checked again once a slot is free: a burst queued behind it stops at the limit.
        const now = await failures.check(key);
        if (now.refused) throw tooManyRequests(now.refused);
        return verifyClientSecret(secret, verifier);
      },
      1,
      priority,
    );
    if (!client || !ok) {
      await failures.penalize(key);
      throw invalidClient(BAD_CREDENTIALS, basic);
    }
    this.remember(cacheKey(client.clientSecretHash, secret));
    return client;
  }

  /** The client by id without a secret check (Auth0's /delegation identifies, it does not authenticate). */
  async identify(clientId: string): Promise<ClientRecord> {
    const client = await this.reads.client(clientId);
    if (!client) throw invalidClient('Unknown client.');
    return client;
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
