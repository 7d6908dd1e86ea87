import { z } from 'zod';
import { DPOP_JKT_PATTERN } from '@app/refresh-tokens';
import type { ClientRecord } from '@app/read-model';

/** `dpop_jkt` of POST /api/v2/refresh-tokens: the RFC 7638 SHA-256 thumbprint of the client's DPoP public key. */
export const dpopJktParam = z
  .string()
  .regex(DPOP_JKT_PATTERN, 'must be an RFC 7638 SHA-256 thumbprint: 43 base64url characters')
  .meta({ description: 'Binds the token to this DPoP key (RFC 9449): every exchange must prove it' });

/** Whether the client's policy refuses unbound tokens (`require_proof_of_possession`). */
export function requiresProofOfPossession(client: ClientRecord): boolean {
  return (client as ClientRecord & { requireProofOfPossession?: boolean }).requireProofOfPossession === true;
}
