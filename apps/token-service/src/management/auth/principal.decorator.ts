import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { correlationIdOf } from '../../http/http';
import type { RequestContext } from '../../commands/request-context';
import type { ManagementPrincipal, ManagementRequest } from './management-auth.guard';

/** The RequestContext of a management call: actor = the management client id. */
export const ManagementContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<ManagementRequest>();
  if (!request.principal) throw new Error('ManagementContext used on a route without ManagementAuthGuard');
  return { actor: request.principal.clientId, correlationId: correlationIdOf(request), causationId: String(request.id) };
});

/** The authenticated management client and the scopes it holds now (token ∩ current grant). */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): ManagementPrincipal => {
  const request = ctx.switchToHttp().getRequest<ManagementRequest>();
  if (!request.principal) throw new Error('Principal used on a route without ManagementAuthGuard');
  return request.principal;
});
