import type { Runtime } from '../../infrastructure/runtime';
import type { RequestContext } from '../request-context';
import { revokeCredential } from '../revoke-refresh-token/revoke-credential';
import { awaitProjection } from '../read-your-writes';

const CONCURRENCY = 8;

/**
 * Revokes each credential (one stream each, so no cross-stream transaction is
 * needed), a few at a time, then waits once for the projection to pass the
 * last revocation. A crash half-way leaves the request unanswered; repeating
 * it revokes the rest (revocation is idempotent).
 */
export async function revokeAll(runtime: Runtime, credentialIds: string[], reason: string, context: RequestContext): Promise<number> {
  let revoked = 0;
  let last = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < credentialIds.length) {
      const id = credentialIds[next++];
      const outcome = await revokeCredential(runtime, id, reason, context);
      if (outcome.revoked) revoked++;
      if (outcome.position !== undefined && outcome.position > last) last = outcome.position;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, credentialIds.length) }, worker));
  await awaitProjection(runtime, last || undefined);
  return revoked;
}
