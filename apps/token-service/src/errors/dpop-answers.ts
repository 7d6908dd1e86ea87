import { DPOP_SIGNING_ALGS, type DpopErrorCode } from '@app/dpop';
import type { HttpAnswer } from './error-mapping';
import { ManagementError } from './management-error';
import { OAuthError } from './oauth-error';

/**
 * The answers to DPoP refusals (RFC 9449). At the token endpoint (§5, §8) the
 * error goes in the body, `use_dpop_nonce` with the nonce to use in the
 * `DPoP-Nonce` header; a resource server (the management API, §7.1 and §9)
 * would answer 401 with `WWW-Authenticate: DPoP`. Descriptions are generic:
 * which check failed goes to the log.
 */
export const INVALID_DPOP_PROOF = 'Invalid DPoP proof.';
export const USE_DPOP_NONCE = 'Authorization server requires nonce in DPoP proof.';
export const DPOP_KEY_REQUIRED = 'The refresh token is bound to a key: send a DPoP proof of that key.';

const ALGS = DPOP_SIGNING_ALGS.join(' ');
const wwwAuthenticate = (error: string, description: string): Record<string, string> => ({
  'WWW-Authenticate': `DPoP error="${error}", error_description="${description}", algs="${ALGS}"`,
});

export const invalidDpopProof = (detail?: string): OAuthError => new OAuthError(400, 'invalid_dpop_proof', INVALID_DPOP_PROOF, { detail });
/** §8: 400 `use_dpop_nonce` and the nonce the client must put in its next proof. */
export const useDpopNonce = (nonce: string, detail?: string): OAuthError =>
  new OAuthError(400, 'use_dpop_nonce', USE_DPOP_NONCE, { headers: { 'DPoP-Nonce': nonce }, detail });
/** A bound token without a proof, or with another key's: the grant is invalid (the token is neither spent nor revoked). */
export const dpopKeyRequired = (detail?: string): OAuthError => new OAuthError(400, 'invalid_grant', DPOP_KEY_REQUIRED, { detail });

/** The DPoP lib's codes in the one error table (error-mapping.ts). */
export const DPOP_ANSWERS = {
  DPOP_PROOF_INVALID: {
    fault: 'caller',
    management: () => new ManagementError(401, INVALID_DPOP_PROOF, 'invalid_dpop_proof', wwwAuthenticate('invalid_dpop_proof', INVALID_DPOP_PROOF)),
    oauth: (m) => invalidDpopProof(m),
  },
  // The table has no nonce to give: dpop-proof.ts answers this code itself, with one. Without it the client asks again.
  DPOP_NONCE_REQUIRED: {
    fault: 'caller',
    management: () => new ManagementError(401, USE_DPOP_NONCE, 'use_dpop_nonce', wwwAuthenticate('use_dpop_nonce', USE_DPOP_NONCE)),
    oauth: (m) => new OAuthError(400, 'use_dpop_nonce', USE_DPOP_NONCE, { detail: m }),
  },
  DPOP_KEY_MISMATCH: {
    fault: 'caller',
    management: () => new ManagementError(401, INVALID_DPOP_PROOF, 'invalid_dpop_proof', wwwAuthenticate('invalid_dpop_proof', INVALID_DPOP_PROOF)),
    oauth: (m) => dpopKeyRequired(m),
  },
} as const satisfies Record<DpopErrorCode, HttpAnswer>;
