/**
 * The successor of a rotating refresh token is derived, never stored
 * (decisions.md "Rotation without forks"): any replica holding the service's
 * data key re-answers the same successor inside the overlap window, and no
 * plaintext is at rest.
 *
 *   K         = HKDF-SHA256(DATA_KEY, salt = "", info = "refresh-token successor v1", 32 bytes)
 *   successor = "rt_" + base64url(HMAC-SHA256(K, credentialId ‖ "\n" ‖ generation ‖ "\n" ‖ predecessorHash))
 *
 * `generation` is the successor's (the predecessor's + 1), in decimal; the
 * newline cannot occur in a credential id (the text rule refuses control
 * characters), so the input is unambiguous. The result has the shape of a
 * generated token (`rt_` + 43 base64url characters, 256 bits).
 */
import { createHmac } from 'node:crypto';
import { REFRESH_TOKEN_PREFIX } from '../refresh-token-secret';

/** The HKDF `info` of K; the service derives K with SecretSealer.deriveKey (the data key never leaves it). */
export const SUCCESSOR_KEY_INFO = 'refresh-token successor v1';

/** The secret that follows `predecessorHash` as generation `generation` of the family, under K. */
export function deriveSuccessor(key: Uint8Array, credentialId: string, generation: number, predecessorHash: string): string {
  const mac = createHmac('sha256', key).update(`${credentialId}\n${generation}\n${predecessorHash}`, 'utf8').digest('base64url');
  return `${REFRESH_TOKEN_PREFIX}${mac}`;
}
