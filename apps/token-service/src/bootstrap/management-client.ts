import type { CommandBus } from '@nestjs/cqrs';
import { verifyClientSecret } from '@app/signing';
import { CreateClientGrantCommand } from '../commands/client-grants/client-grant.commands';
import { RegisterClientCommand } from '../commands/register-client/register-client.command';
import { SYSTEM_ACTOR, type RequestContext } from '../commands/request-context';
import type { Runtime } from '../infrastructure/runtime';
import { MANAGEMENT_SCOPES } from '../management/auth/scopes';

const CONTEXT: RequestContext = { actor: SYSTEM_ACTOR, correlationId: 'bootstrap' };
const NAME = 'Management API (bootstrap)';

/**
 * product.md: MANAGEMENT_CLIENT_ID/SECRET name the bootstrap management client
 * (client_credentials for `${ISSUER}api/v2/` with every scope). Unset on first
 * start, one is generated and its secret printed once to stdout — not to the
 * log, which must never carry a secret.
 */
export async function bootstrapManagementClient(runtime: Runtime, commands: CommandBus, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const { config, queries, logger } = runtime;
  const audience = config.managementAudience;
  if (config.managementClientId && config.managementClientSecret) {
    const existing = queries.getClient(config.managementClientId);
    if (!existing) {
      await commands.execute(
        new RegisterClientCommand(
          { name: NAME, appType: 'non_interactive', clientId: config.managementClientId, clientSecret: config.managementClientSecret },
          CONTEXT,
        ),
      );
    } else if (!existing.clientSecretHash || !(await verifyClientSecret(config.managementClientSecret, existing.clientSecretHash))) {
      logger.error({ clientId: existing.clientId }, 'MANAGEMENT_CLIENT_SECRET does not match the registered secret of MANAGEMENT_CLIENT_ID');
    }
    if (queries.listClientGrants({ clientId: config.managementClientId, audience }).length === 0) {
      await commands.execute(new CreateClientGrantCommand({ clientId: config.managementClientId, audience, scope: [...MANAGEMENT_SCOPES] }, CONTEXT));
    }
    return;
  }
  if (queries.listClientGrants({ audience }).length > 0) return;
  const { client, clientSecret } = await commands.execute(new RegisterClientCommand({ name: NAME, appType: 'non_interactive' }, CONTEXT));
  await commands.execute(new CreateClientGrantCommand({ clientId: client.clientId, audience, scope: [...MANAGEMENT_SCOPES] }, CONTEXT));
  out.write(
    [
      '',
      '==== Management API client created (the secret is shown this once) ====',
      `MANAGEMENT_CLIENT_ID=${client.clientId}`,
      `MANAGEMENT_CLIENT_SECRET=${clientSecret}`,
      `Get a token: curl -s ${config.issuer}oauth/token -d grant_type=client_credentials -d client_id=$MANAGEMENT_CLIENT_ID -d client_secret=$MANAGEMENT_CLIENT_SECRET -d audience=${audience}`,
      '========================================================================',
      '',
    ].join('\n'),
  );
  logger.info({ clientId: client.clientId }, 'bootstrap management client created');
}
