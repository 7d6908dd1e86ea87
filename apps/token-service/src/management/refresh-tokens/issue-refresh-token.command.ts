import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../commands/request-context';

export interface IssuedRefreshToken {
  id: string;
  /** The plaintext, shown once (F1); never stored. */
  refreshToken: string;
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  scope: string;
  createdAt: string;
}

export class IssueRefreshTokenCommand extends Command<IssuedRefreshToken> {
  constructor(
    readonly input: { clientId: string; userId: string; deviceName: string; deviceId?: string; scope: string },
    readonly context: RequestContext,
  ) {
    super();
  }
}
