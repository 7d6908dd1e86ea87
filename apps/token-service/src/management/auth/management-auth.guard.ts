import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@app/shared';
import { bearerToken, InsufficientScopeError, KeyStore, verifyAccessToken } from '@app/signing';
import { unauthorized } from '../../errors/management-error';
import { CLOCK, ISSUER, MANAGEMENT_AUDIENCE } from '../../infrastructure/tokens';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { boundGrants, effectiveScopes, grantedScopes } from './management-policy';
import { REQUIRED_SCOPES, type ManagementScope } from './scopes';

/** The management client a request was authenticated as. */
export interface ManagementPrincipal {
  clientId: string;
  scopes: string[];
}

export type ManagementRequest = FastifyRequest & { principal?: ManagementPrincipal };

/**
 * Bearer JWT from client_credentials (RFC 6750): signature by our keys with an
 * asymmetric alg, issuer, audience `${ISSUER}api/v2/`, expiry, then the
 * route's scopes. Checked at use against the read model too: a token of a
 * client deleted since it was minted is refused, and so is one none of whose
 * grants (named with their revision in the token) is still current; a grant
 * created later gives it nothing, even with the same scopes.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeyStore,
    @Inject(ISSUER) private readonly issuer: string,
    @Inject(MANAGEMENT_AUDIENCE) private readonly audience: string,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ConsistentReads,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    const requiredScopes =
      this.reflector.getAllAndOverride<ManagementScope[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const { keys, issuer, audience, clock } = this;
    const verified = await verifyAccessToken(bearerToken(request.headers.authorization), {
      keyStore: keys,
      issuer,
      audience,
      clock,
      requiredScopes,
    });
    // Only the grants this token names, at the revision it names: a deleted or re-created grant does not revive it.
    const { client, grants } = await this.reads.clientWithGrants(verified.clientId, audience, (all) => boundGrants(all, verified.grants));
    if (!client) throw unauthorized('The client of this token no longer exists');
    // A client whose client_credentials grant type was removed gets no token; those it holds stop working too.
    if (!client.grantTypes.includes('client_credentials')) throw unauthorized('The client of this token no longer has the client_credentials grant type');
    if (grants.length === 0) throw unauthorized('The client grant this token was issued under no longer exists');
    const scopes = effectiveScopes(verified.scopes, grantedScopes(grants, verified.clientId, audience));
    const missing = requiredScopes.filter((s) => !scopes.includes(s));
    if (missing.length > 0) throw new InsufficientScopeError(requiredScopes, missing);
    request.principal = { clientId: verified.clientId, scopes };
    return true;
  }
}
