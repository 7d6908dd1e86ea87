import { RevokedCredentials } from './revocation-set';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

describe('RevokedCredentials', () => {
  describe('without retention', () => {
    it('keeps a revoked credential forever and knows no other', () => {
      const set = new RevokedCredentials();
      set.add('dcr_1', T0);
      expect(set.has('dcr_1', T0 + 10_000 * HOUR)).toBe(true);
      expect(set.has('dcr_2', T0)).toBe(false);
      expect(set.size).toBe(1);
    });
  });

  describe('with retention', () => {
    it('counts retention from when the revocation was received, and forgets it after', () => {
      const set = new RevokedCredentials(HOUR);
      set.add('dcr_1', T0);
      expect(set.has('dcr_1', T0 + HOUR)).toBe(true);
      expect(set.has('dcr_1', T0 + HOUR + 1)).toBe(false);
      expect(set.size).toBe(0);
    });

    it('never moves an entry back in time: an earlier time given later keeps the later one', () => {
      const set = new RevokedCredentials(HOUR);
      set.add('dcr_1', T0 + HOUR);
      set.add('dcr_1', 0); // as if a record claimed 1970
      expect(set.has('dcr_1', T0 + 2 * HOUR)).toBe(true);
    });

    it('moves an entry forward when it is received again (the set only grows or keeps its time)', () => {
      const set = new RevokedCredentials(HOUR);
      set.add('dcr_1', T0);
      set.add('dcr_1', T0 + HOUR);
      expect(set.has('dcr_1', T0 + 2 * HOUR)).toBe(true);
      expect(set.has('dcr_1', T0 + 2 * HOUR + 1)).toBe(false);
    });
  });
});
