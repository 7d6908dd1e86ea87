/**
 * The lock-out rule under concurrency: two full admins deleting each other
 * (their clients, or their grants) at the same moment. Exactly one of the
 * two deletions may happen; the other answers 409. Played many times, since
 * a race is won only now and then.
 */
import { playLockoutRace } from '../../../../../test/support/lockout-race';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

const TRIES = 12;

describe.each(ADAPTERS)('management API: no lock-out by racing (%s)', (adapter) => {
  describe.each(['client', 'grant'] as const)('two concurrent DELETEs of the only two full admins (by %s)', (what) => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it(`deletes one and refuses the other (409) on each of ${TRIES} tries, and a full admin is always left`, async () => {
      const token = await svc.managementToken();
      const grants = await svc.http.get<{ id: string }[]>('/api/v2/client-grants', { token, query: { client_id: svc.managementClientId } });
      const outcomes = await playLockoutRace(svc, {
        what,
        tries: TRIES,
        bootstrapGrantId: grants.body[0].id,
        send: (path, bearer) => svc.http.delete(path, { token: bearer }),
      });
      expect(outcomes).toEqual(Array(TRIES).fill('deleted refused'));
    }, 120_000);
  });
});
