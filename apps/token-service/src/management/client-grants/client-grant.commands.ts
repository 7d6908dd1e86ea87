import { Command } from '@nestjs/cqrs';
import type { ClientGrantRecord } from '@app/read-model';
import type { RequestContext } from '../../commands/request-context';

export class CreateClientGrantCommand extends Command<ClientGrantRecord> {
  constructor(
    readonly input: { clientId: string; audience: string; scope: string[] },
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class DeleteClientGrantCommand extends Command<void> {
  constructor(
    readonly grantId: string,
    /** The caller's reason, recorded in ClientGrantDeleted's metadata (none by default). */
    readonly reason: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
