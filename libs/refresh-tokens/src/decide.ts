import { IssueRefreshToken, RefreshTokenCommand, RevokeRefreshToken } from './commands';
import {
  CredentialAlreadyExistsError,
  CredentialNotFoundError,
  type RefreshTokenArgument,
  OfflineAccessRequiredError,
} from './errors';
import { RefreshTokenEvent, RefreshTokenIssued, RefreshTokenRevoked } from './events';
import { formatScope, hasOfflineAccess, isScopeToken, MAX_SCOPE_LENGTH, parseScope } from './scope';
import { RefreshTokenState } from './state';
import { requireDpopBinding } from './dpop-binding';
import { exchange } from './decide-exchange';
import { revocationOf } from './revocation-event';
import { InvalidArgumentError, requireInstant, requireText } from '@app/shared';

/** Upper bound of a revocation reason. */
export const MAX_REASON_LENGTH = 256;

// Lowercase only: the handler's `digest('hex')` form, so hashes compare as strings.
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Decides which events a command appends to one credential's stream, given
 * the state folded from that stream. Pure and synchronous; throws a
 * `RefreshTokenDomainError` when the command is refused. Input is checked
 * before state, so a malformed command fails the same way on any stream.
 */
export function decide(command: RefreshTokenCommand, state: RefreshTokenState): RefreshTokenEvent[] {
  switch (command.type) {
    case 'IssueRefreshToken':
      return issue(command, state);
    case 'RevokeRefreshToken':
      return revoke(command, state);
    case 'ExchangeRefreshToken':
      return exchange(command, state);
    default: {
      const _never: never = command;
      return _never;
    }
  }
}

function issue({ data }: IssueRefreshToken, state: RefreshTokenState): RefreshTokenIssued[] {
  const credentialId = requireText('credentialId', data.credentialId);
  if (typeof data.tokenHash !== 'string' || !SHA256_HEX.test(data.tokenHash)) {
    throw new InvalidArgumentError<RefreshTokenArgument>('tokenHash', 'must be 64 lowercase hex characters (SHA-256)');
  }
  const clientId = requireText('clientId', data.clientId);
  const userId = requireText('userId', data.userId);
  const deviceId = requireText('deviceId', data.deviceId);
  const deviceName = requireText('deviceName', data.deviceName);
  const scope = requireScope(data.scope);
  const now = requireInstant(data.now);
  const dpopJkt = requireDpopBinding(data);

  // F1: no offline_access, no refresh token.
  if (!hasOfflineAccess(scope)) throw new OfflineAccessRequiredError();

  switch (state.status) {
    case 'none':
      break;
    case 'active':
    case 'revoked':
      // Credential ids are never reused, not even after revocation.
      throw new CredentialAlreadyExistsError(credentialId);
    default: {
      const _never: never = state;
      return _never;
    }
  }

  return [
    {
      type: 'RefreshTokenIssued',
      data: {
        credentialId,
        tokenHash: data.tokenHash,
        clientId,
        userId,
        deviceId,
        deviceName,
        scope: formatScope(scope),
        issuedAt: now.toISOString(),
        ...(dpopJkt !== undefined && { dpopJkt }),
      },
    },
  ];
}

function revoke({ data }: RevokeRefreshToken, state: RefreshTokenState): RefreshTokenRevoked[] {
  const credentialId = requireText('credentialId', data.credentialId);
  const actor = requireText('actor', data.actor);
  const reason = requireText('reason', data.reason, MAX_REASON_LENGTH);
  const now = requireInstant(data.now);

  switch (state.status) {
    case 'none':
      throw new CredentialNotFoundError(credentialId);
    case 'revoked':
      // Invariant 4: revoking twice appends nothing the second time.
      return [];
    case 'active': {
      if (state.credentialId !== credentialId) {
        // The handler loaded another credential's stream: a bug, never a revocation.
        throw new InvalidArgumentError<RefreshTokenArgument>('credentialId', 'does not match the loaded credential');
      }
      // F2: client, user and device come from issuance; no command can change them.
      return [revocationOf(state, reason, actor, now)];
    }
    default: {
      const _never: never = state;
      return _never;
    }
  }
}

/** A non-empty scope of RFC 6749 §3.3 tokens, bounded; returns its canonical tokens. */
function requireScope(value: unknown): string[] {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError<RefreshTokenArgument>('scope', 'must be a string');
  }
  if (value.length > MAX_SCOPE_LENGTH) {
    throw new InvalidArgumentError<RefreshTokenArgument>('scope', `must be at most ${MAX_SCOPE_LENGTH} characters`);
  }
  const tokens = parseScope(value);
  if (tokens.length === 0) {
    throw new InvalidArgumentError<RefreshTokenArgument>('scope', 'must contain at least one scope token');
  }
  if (!tokens.every(isScopeToken)) {
    throw new InvalidArgumentError<RefreshTokenArgument>('scope', 'tokens must be printable ASCII without " or \\ (RFC 6749 §3.3)');
  }
  return tokens;
}
