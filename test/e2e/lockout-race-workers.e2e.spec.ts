/**
 * The lock-out race with WORKERS=2 (a projector and a follower worker on one
 * DATA_DIR): the two DELETEs go over fresh connections, so the cluster hands
 * them to both workers, each checking against its own view of the read model.
 * Exactly one of the two deletions may happen; the other answers 409.
 */
import { rmSync } from 'node:fs';
import { startCluster } from '../support/cluster-service';
import type { EntryProcess } from '../../tools/support/entry-process';
import type { ServiceHandle } from '../support/fixtures';
import { onFreshConnection } from '../support/fresh-connection';
import { playLockoutRace } from '../support/lockout-race';
import { tempDir } from '../support/token-service';

const MANAGEMENT_CLIENT_ID = 'lockout-race-management';
const MANAGEMENT_CLIENT_SECRET = 'lockout-race-management-secret-0123456789abcdef';
const TRIES = 12;

describe.each(['client', 'grant'] as const)('no lock-out by racing with WORKERS=2 (by %s)', (what) => {
  const dataDir = tempDir('lockout-race-');
  let service: EntryProcess;
  let port: number;
  let svc: ServiceHandle;

  beforeAll(async () => {
    ({ service, port, svc } = await startCluster({ dataDir, managementClientId: MANAGEMENT_CLIENT_ID, managementClientSecret: MANAGEMENT_CLIENT_SECRET }));
  }, 90_000);

  afterAll(async () => {
    await service?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`deletes one and refuses the other (409) on each of ${TRIES} tries, and a full admin is always left`, async () => {
    const grants = await svc.http.get<{ id: string }[]>('/api/v2/client-grants', { token: await svc.managementToken(), query: { client_id: MANAGEMENT_CLIENT_ID } });
    const outcomes = await playLockoutRace(svc, {
      what,
      tries: TRIES,
      bootstrapGrantId: grants.body[0].id,
      send: (path, token) => onFreshConnection(port, 'DELETE', path, undefined, token),
    });
    expect(outcomes).toEqual(Array(TRIES).fill('deleted refused'));
  }, 120_000);
});
