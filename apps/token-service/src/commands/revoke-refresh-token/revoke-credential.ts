import { refreshTokenDecider, refreshTokenStreamId, type RevokeRefreshToken } from '@app/refresh-tokens';
import type { Runtime } from '../../infrastructure/runtime';
import { handleCommand } from '../handle-command';
import { metadataFor, type RequestContext } from '../request-context';
import type { RevocationOutcome } from './revoke-refresh-token.command';

/** Load, decide, append one revocation (no read-your-writes wait: callers batch that). */
export async function revokeCredential(
  runtime: Runtime,
  credentialId: string,
  reason: string,
  context: RequestContext,
): Promise<RevocationOutcome> {
  const now = runtime.clock.now();
  const command: RevokeRefreshToken = { type: 'RevokeRefreshToken', data: { credentialId, actor: context.actor, reason, now } };
  const result = await handleCommand(
    runtime.store,
    refreshTokenStreamId(credentialId),
    refreshTokenDecider,
    command,
    metadataFor(context, now, reason),
    runtime.ids,
  );
  return { revoked: result.events.length > 0, position: result.position };
}
