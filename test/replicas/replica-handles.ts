/**
 * What the e2e fixtures need of each replica of a started topology: its HTTP
 * client and a management token (any replica's token is good on all: they
 * share issuer and signing keys).
 */
import type { Topology } from '../../tools/topology/topology';
import type { ServiceHandle } from '../support/fixtures';
import { clientCredentialsToken } from '../support/fixtures';
import { HttpClient } from '../support/http-client';

export function replicaHandles(topology: Topology): ServiceHandle[] {
  const managementAudience = `${topology.issuer}api/v2/`;
  let token: Promise<string> | undefined;
  const handles: ServiceHandle[] = topology.replicas.map((replica) => ({
    http: new HttpClient(replica.baseUrl),
    managementAudience,
    managementToken: () => (token ??= clientCredentialsToken(handles[0], topology.managementClientId, topology.managementClientSecret)),
  }));
  return handles;
}
