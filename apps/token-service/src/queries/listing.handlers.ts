import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/tokens';
import { ListClientGrantsQuery, ListClientsQuery, ListDeviceCredentialsQuery, ListUserRefreshTokensQuery } from './listing.queries';

// Listings read this node's read model only, never the event store.

@QueryHandler(ListDeviceCredentialsQuery)
export class ListDeviceCredentialsHandler implements IQueryHandler<ListDeviceCredentialsQuery> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}
  async execute({ filter }: ListDeviceCredentialsQuery) {
    return this.runtime.queries.listValidDeviceCredentials(filter);
  }
}

@QueryHandler(ListUserRefreshTokensQuery)
export class ListUserRefreshTokensHandler implements IQueryHandler<ListUserRefreshTokensQuery> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}
  async execute({ userId, page }: ListUserRefreshTokensQuery) {
    return this.runtime.queries.listByUser(userId, page);
  }
}

@QueryHandler(ListClientsQuery)
export class ListClientsHandler implements IQueryHandler<ListClientsQuery> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}
  async execute() {
    return this.runtime.queries.listClients();
  }
}

@QueryHandler(ListClientGrantsQuery)
export class ListClientGrantsHandler implements IQueryHandler<ListClientGrantsQuery> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}
  async execute({ filter }: ListClientGrantsQuery) {
    return this.runtime.queries.listClientGrants(filter);
  }
}
