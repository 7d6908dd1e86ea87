import { join } from 'node:path';
import { ClientAlreadyExistsError } from '@app/clients';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CredentialQueries } from '@app/read-model';
import { verifyClientSecret } from '@app/signing';
import { writePrivateFileAtomic } from '@app/process';
import { SYSTEM_ACTOR, type RequestContext } from '../../commands/request-context';
import { BOOTSTRAP_SETTINGS, LOGGER, type BootstrapSettings } from '../../infrastructure/tokens';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import { CreateClientGrantHandler } from '../client-grants/client-grant.handlers';
import { RegisterClientHandler } from '../clients/register-client.handler';

const CONTEXT: RequestContext = { actor: SYSTEM_ACTOR, correlationId: 'bootstrap' };
const NAME = 'Management API (bootstrap)';

/** Where a generated bootstrap client's id and secret are written (mode 0600), relative to DATA_DIR. */
export const BOOTSTRAP_CLIENT_FILE = 'bootstrap-client.json';

/** A start that cannot go on without the operator: the message says what to do. Thrown once, never retried. */
export class BootstrapRefusedError extends Error {
  override readonly name = 'BootstrapRefusedError';
}

/**
 * product.md: MANAGEMENT_CLIENT_ID/SECRET name the bootstrap management client
 * (client_credentials for `${ISSUER}api/v2/` with every scope). Unset, one is
 * generated on a fresh store only; its secret goes to `DATA_DIR/bootstrap-client.json`
 * (0600) and to the terminal when stdout is one, never to the log stream.
 * A store that already has clients but no management grant for this ISSUER
 * (ISSUER changed, or every admin deleted before deletes were guarded) stops
 * the start with what to do, rather than silently minting a second admin.
 */
@Injectable()
export class ManagementClientBootstrap {
  constructor(
    private readonly registration: RegisterClientHandler,
    private readonly grants: CreateClientGrantHandler,
    private readonly queries: CredentialQueries,
    @Inject(BOOTSTRAP_SETTINGS) private readonly config: BootstrapSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const { config, queries } = this;
    if (config.managementClientId && config.managementClientSecret) {
      await this.ensureConfiguredClient(config.managementClientId, config.managementClientSecret);
      return;
    }
    const audience = config.managementAudience;
    if (queries.listClientGrants({ audience }).length > 0) return;
    if (queries.listClients().length > 0) throw new BootstrapRefusedError(this.noAdminMessage());
    await this.generateClient();
  }

  private async ensureConfiguredClient(clientId: string, secret: string): Promise<void> {
    const { config, queries, logger } = this;
    const audience = config.managementAudience;
    const existing = queries.getClient(clientId, { includeDeleted: true });
    if (existing?.deletedAt) {
      // A deleted client id cannot be registered again (its stream is final); re-trying would fail the same way forever.
      throw new BootstrapRefusedError(
        `MANAGEMENT_CLIENT_ID ${clientId} names a client that was deleted (${existing.deletedAt}); a deleted client id is never reused. ` +
          'To recover, set MANAGEMENT_CLIENT_ID to a new, unused id (with a MANAGEMENT_CLIENT_SECRET of 32+ characters): ' +
          'a fresh management client is registered with every management scope. Or unset both if another client still holds a management grant.',
      );
    }
    if (!existing) {
      // Replicas starting together race to register it: the loser finds it registered, which is what it wanted.
      await this.registration
        .execute({ name: NAME, appType: 'non_interactive', clientId, clientSecret: secret }, CONTEXT)
        .catch((error: unknown) => {
          if (!(error instanceof ClientAlreadyExistsError)) throw error;
        });
    } else if (!existing.clientSecretHash || !(await verifyClientSecret(secret, existing.clientSecretHash))) {
      logger.error({ clientId }, 'MANAGEMENT_CLIENT_SECRET does not match the registered secret of MANAGEMENT_CLIENT_ID');
    }
    if (queries.listClientGrants({ clientId, audience }).length === 0) {
      await this.grants.execute({ clientId, audience, scope: [...MANAGEMENT_SCOPES] }, CONTEXT, MANAGEMENT_SCOPES);
    }
  }

  private noAdminMessage(): string {
    const { config, queries } = this;
    const elsewhere = [...new Set(queries.listClientGrants().map((g) => g.audience))].filter((a) => a !== config.managementAudience);
    const cause =
      elsewhere.length > 0
        ? `Management grants exist for ${elsewhere.slice(0, 3).join(', ')}: ISSUER changed (it is now ${config.issuer}${
            // The trap: only PORT was changed, and ISSUER's default followed it.
            config.issuerFollowsPort ? `, its default http://localhost:\${PORT}/, which follows PORT` : ''
          }). Set ISSUER back (ISSUER=${elsewhere[0]!.replace(/api\/v2\/$/, '')} keeps the old issuer on the new port), or`
        : 'No client holds a management grant. To recover,';
    return (
      `This store has clients but none holds the management API at ${config.managementAudience}, and no admin client is generated silently. ` +
      `${cause} set MANAGEMENT_CLIENT_ID and MANAGEMENT_CLIENT_SECRET: an existing confidential client with its secret is granted every ` +
      'management scope for this ISSUER; a new, unused id registers a fresh management client.'
    );
  }

  private async generateClient(): Promise<void> {
    const { config, logger } = this;
    const terminal = process.stdout;
    const audience = config.managementAudience;
    const { client, clientSecret } = await this.registration.execute({ name: NAME, appType: 'non_interactive' }, CONTEXT);
    await this.grants.execute({ clientId: client.clientId, audience, scope: [...MANAGEMENT_SCOPES] }, CONTEXT, MANAGEMENT_SCOPES);
    const file = join(config.dataDir, BOOTSTRAP_CLIENT_FILE);
    const record = { client_id: client.clientId, client_secret: clientSecret, audience, token_endpoint: `${config.issuer}oauth/token` };
    await writePrivateFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
    logger.info({ clientId: client.clientId, file }, 'bootstrap management client created; its secret is in the file (mode 0600)');
    if (!terminal.isTTY) return;
    terminal.write(
      [
        '',
        '==== Management API client created (also in ' + file + ', mode 0600) ====',
        `MANAGEMENT_CLIENT_ID=${client.clientId}`,
        `MANAGEMENT_CLIENT_SECRET=${clientSecret}`,
        `Get a token: curl -s ${config.issuer}oauth/token -d grant_type=client_credentials -d client_id=$MANAGEMENT_CLIENT_ID -d client_secret=$MANAGEMENT_CLIENT_SECRET -d audience=${audience}`,
        '========================================================================',
        '',
      ].join('\n'),
    );
  }
}
