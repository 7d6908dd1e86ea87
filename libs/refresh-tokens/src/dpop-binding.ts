/**
 * Sender-constrained refresh tokens (RFC 9449, F15): a token may be bound at
 * issuance to the client's key, named by its RFC 7638 thumbprint (`jkt`);
 * every exchange then proves that key. A client whose policy requires proof
 * of possession gets no unbound token. Pure: the HTTP edge checks the proof.
 */
import { InvalidArgumentError } from '@app/shared/coded-error';
import { DpopBindingRequiredError, type RefreshTokenArgument } from './errors';

/** base64url SHA-256, no padding: 43 characters. */
export const DPOP_JKT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The binding an issuance records: the thumbprint, or undefined for an unbound token (when the client allows one). */
export function requireDpopBinding(data: { dpopJkt?: unknown; clientRequiresProofOfPossession?: unknown }): string | undefined {
  if (data.dpopJkt === undefined) {
    if (data.clientRequiresProofOfPossession === true) throw new DpopBindingRequiredError();
    return undefined;
  }
  if (typeof data.dpopJkt !== 'string' || !DPOP_JKT_PATTERN.test(data.dpopJkt)) {
    throw new InvalidArgumentError<RefreshTokenArgument>('dpopJkt', 'must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)');
  }
  return data.dpopJkt;
}
