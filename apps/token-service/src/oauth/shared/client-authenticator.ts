import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '@app/credentials';
import { verifyClientSecret } from '@app/signing';
import { invalidClient } from '../../errors/oauth-error';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import type { PresentedClient } from './client-credentials';

const CACHE_LIMIT = 10_000;

/**
 * Authenticates OAuth clients (RFC 6749 §2.3). Secrets are stored as scrypt
 * verifiers, which cost tens of milliseconds by design; a confirmed
 * (secret, verifier) pair is remembered by its SHA-256 so a busy client pays
 * that once, not per request. A changed verifier (new secret) misses the cache.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly confirmed = new Set<string>();

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /**
   * The client, authenticated as its registration requires: a confidential
   * client must present its secret (Basic or post: both are accepted, as most
   * OAuth libraries pick one on their own); a public client needs none.
   */
  async authenticate(presented: PresentedClient): Promise<ClientRecord> {
    const basic = presented.method === 'client_secret_basic';
    const client = this.runtime.queries.getClient(presented.clientId);
    if (!client) throw invalidClient('Unknown client or bad client credentials.', basic);
    if (client.clientSecretHash === null) return client;
    if (presented.clientSecret === undefined) throw invalidClient('Client authentication is required.', basic);
    if (!(await this.secretMatches(presented.clientSecret, client.clientSecretHash))) {
      throw invalidClient('Unknown client or bad client credentials.', basic);
    }
    return client;
  }

  /** The client by id without a secret check (Auth0's /delegation identifies, it does not authenticate). */
  identify(clientId: string): ClientRecord {
    const client = this.runtime.queries.getClient(clientId);
    if (!client) throw invalidClient('Unknown client.');
    return client;
  }

  private async secretMatches(secret: string, verifier: string): Promise<boolean> {
    const key = createHash('sha256').update(verifier).update('\0').update(secret).digest('base64');
    if (this.confirmed.has(key)) return true;
    const ok = await verifyClientSecret(secret, verifier);
    if (ok) {
      if (this.confirmed.size >= CACHE_LIMIT) this.confirmed.clear();
      this.confirmed.add(key);
    }
    return ok;
  }
}
