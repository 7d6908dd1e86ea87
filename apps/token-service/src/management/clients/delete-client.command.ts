import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../commands/request-context';

/** Delete a client: ClientDeleted, then every token of it revoked by `system` (F4). */
export class DeleteClientCommand extends Command<{ revoked: number }> {
  constructor(
    readonly clientId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
