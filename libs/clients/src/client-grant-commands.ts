/**
 * Commands of the client-grant aggregate (`clientGrant-<grantId>`): which
 * scopes a client may get through `client_credentials` for an audience
 * (Auth0's client grants). That the client exists, and that a (client,
 * audience) pair has one grant only, span aggregates: the handler checks them.
 */
export interface CreateClientGrantData {
  grantId: string;
  clientId: string;
  audience: string;
  /** Scope tokens (RFC 6749 §3.3), unique; may be empty. */
  scope: string[];
  now: Date;
}

export interface DeleteClientGrantData {
  grantId: string;
  now: Date;
}

export type CreateClientGrant = { type: 'CreateClientGrant'; data: CreateClientGrantData };
export type DeleteClientGrant = { type: 'DeleteClientGrant'; data: DeleteClientGrantData };
export type ClientGrantCommand = CreateClientGrant | DeleteClientGrant;
