import { Inject, Injectable } from '@nestjs/common';
import { type ClientChanges, type ClientCommand, type ClientEvent, ClientNotFoundError, type UpdateClient } from '@app/clients';
import type { ClientRecord } from '@app/read-model';
import type { Clock } from '@app/shared';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor, type RequestContext } from '../../commands/request-context';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { conflict } from '../../errors/management-error';
import { CLIENT_COMMANDS, CLOCK, MANAGEMENT_CLIENT_ID } from '../../infrastructure/tokens';
import { AdminRemovals } from '../auth/admin-removals';

const CLIENT_CREDENTIALS = 'client_credentials';

/**
 * PATCH /api/v2/clients/{id}: ClientUpdated with the fields that change.
 * Taking `client_credentials` away from a client removes its management
 * access (its grants give it no token any more), so it is admitted like a
 * deletion of that client: never the last full admin, under concurrency too.
 */
@Injectable()
export class UpdateClientHandler {
  constructor(
    @Inject(CLIENT_COMMANDS) private readonly clients: DeciderCommandHandler<ClientCommand, ClientEvent>,
    private readonly reads: ConsistentReads,
    private readonly adminRemovals: AdminRemovals,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGEMENT_CLIENT_ID) private readonly managementClientId: string | undefined,
  ) {}

  async execute(clientId: string, changes: ClientChanges, context: RequestContext): Promise<ClientRecord> {
    if (!(await this.reads.client(clientId))) throw new ClientNotFoundError(clientId);
    const now = this.clock.now();
    const metadata = metadataFor(context, now);
    // Admitted whenever the new list lacks it, whatever this node's read model shows now: the admission catches up
    // with the log and judges there (a client that already lacks it changes nothing and is admitted).
    const withoutClientCredentials = changes.grantTypes !== undefined && !changes.grantTypes.includes(CLIENT_CREDENTIALS);
    if (withoutClientCredentials) {
      // No lock-out: the operator's configured client keeps its way in.
      if (clientId === this.managementClientId) {
        throw conflict(
          'This client is MANAGEMENT_CLIENT_ID, the bootstrap management client; it keeps client_credentials. Unset or change that variable first.',
          'management_client',
        );
      }
      await this.adminRemovals.admit({ clientCredentialsOf: clientId }, metadata);
    }
    const command: UpdateClient = { type: 'UpdateClient', data: { clientId, changes, now } };
    await this.clients.handle(clientId, command, metadata);
    // The handler waits until this node projected its own write: the read shows the update.
    const client = await this.reads.client(clientId);
    if (!client) throw new ClientNotFoundError(clientId);
    return client;
  }
}
