import { Inject, Injectable } from '@nestjs/common';
import { type ClientGrantCommand, type ClientGrantEvent, ClientGrantAlreadyExistsError, ClientGrantNotFoundError, ClientNotFoundError } from '@app/clients';
import { type ClientGrantRecord, CredentialQueries } from '@app/read-model';
import type { Clock, IdGenerator } from '@app/shared';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { metadataFor, type RequestContext } from '../../commands/request-context';
import { insufficientScope } from '../../errors/management-error';
import { grantableScopes, scopesBeyond } from '../auth/management-policy';
import { CLIENT_GRANT_COMMANDS, CLOCK, ID_GENERATOR } from '../../infrastructure/tokens';
import { AdminRemovals } from '../auth/admin-removals';

type ClientGrantCommands = DeciderCommandHandler<ClientGrantCommand, ClientGrantEvent>;

@Injectable()
export class CreateClientGrantHandler {
  constructor(
    @Inject(CLIENT_GRANT_COMMANDS) private readonly grants: ClientGrantCommands,
    private readonly queries: CredentialQueries,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ConsistentReads,
  ) {}

  /** `held`: the caller's scopes; a caller grants only what it holds (no escalation), a full admin also the later scopes. */
  async execute(input: { clientId: string; audience: string; scope: string[] }, context: RequestContext, held: readonly string[]): Promise<ClientGrantRecord> {
    const beyond = scopesBeyond(grantableScopes(held), input.scope);
    if (beyond.length > 0) throw insufficientScope(`A client grant may hold only scopes the caller holds; missing: ${beyond.join(' ')}`);
    if (!(await this.reads.client(input.clientId))) throw new ClientNotFoundError(input.clientId);
    // Auth0: one grant per (client, audience). Checked on the read model: a
    // concurrent duplicate is possible across nodes and harmless (scopes are unioned on use).
    if (this.queries.listClientGrants({ clientId: input.clientId, audience: input.audience }).length > 0) {
      throw new ClientGrantAlreadyExistsError(`${input.clientId}/${input.audience}`);
    }
    const grantId = `cgr_${this.ids.random(12)}`;
    const now = this.clock.now();
    await this.grants.handle(grantId, { type: 'CreateClientGrant', data: { grantId, ...input, now } }, metadataFor(context, now));
    const grant = this.queries.getClientGrant(grantId);
    if (!grant) throw new Error(`client grant ${grantId} missing from the read model after creation`);
    return grant;
  }
}

@Injectable()
export class DeleteClientGrantHandler {
  constructor(
    @Inject(CLIENT_GRANT_COMMANDS) private readonly grants: ClientGrantCommands,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly adminRemovals: AdminRemovals,
  ) {}

  /** `reason`: the caller's, recorded in ClientGrantDeleted's metadata (none by default). */
  async execute(grantId: string, reason: string | undefined, context: RequestContext): Promise<void> {
    const now = this.clock.now();
    const metadata = metadataFor(context, now, reason);
    // No lock-out: the last grant holding every management scope stays (409), under concurrency too.
    await this.adminRemovals.admit({ grantId }, metadata);
    const result = await this.grants.handle(grantId, { type: 'DeleteClientGrant', data: { grantId, now } }, metadata);
    if (result.events.length === 0) throw new ClientGrantNotFoundError(grantId);
  }
}
