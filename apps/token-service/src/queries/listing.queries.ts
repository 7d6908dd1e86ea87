import { Query } from '@nestjs/cqrs';
import type { ClientGrantRecord, ClientRecord, DeviceCredentialPage, UserTokenPage } from '@app/read-model';

/** GET /api/v2/device-credentials: valid refresh-token credentials, paged (Auth0). */
export class ListDeviceCredentialsQuery extends Query<DeviceCredentialPage> {
  constructor(readonly filter: { userId?: string; clientId?: string; page: number; perPage: number }) {
    super();
  }
}

/** GET /api/v2/users/{id}/refresh-tokens: the user's valid tokens, cursor-paged. */
export class ListUserRefreshTokensQuery extends Query<UserTokenPage> {
  constructor(
    readonly userId: string,
    readonly page: { from?: string; take: number },
  ) {
    super();
  }
}

/** GET /api/v2/clients. */
export class ListClientsQuery extends Query<ClientRecord[]> {}

/** GET /api/v2/client-grants. */
export class ListClientGrantsQuery extends Query<ClientGrantRecord[]> {
  constructor(readonly filter: { clientId?: string; audience?: string }) {
    super();
  }
}
