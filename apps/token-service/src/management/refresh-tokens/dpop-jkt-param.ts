import { z } from 'zod';
import { DPOP_JKT_PATTERN } from '@app/refresh-tokens';

/** `dpop_jkt` of POST /api/v2/refresh-tokens: the RFC 7638 SHA-256 thumbprint of the client's DPoP public key. */
export const dpopJktParam = z
  .string()
  .regex(DPOP_JKT_PATTERN, 'must be an RFC 7638 SHA-256 thumbprint: 43 base64url characters')
  .meta({ description: 'Binds the token to this DPoP key (RFC 9449): every exchange must prove it' });

