import { computeEventHash, GENESIS_HASH } from '../../integrity';
import { type ContractContext, newEvent } from './support';

/** The contract on the hash chain every recorded event carries. */
export function describeIntegrity(ctx: ContractContext): void {
  const { stream } = ctx;
  describe('hash chain (integrity.ts)', () => {
    it('chains each stream from GENESIS_HASH, each event hashing its content and its predecessor', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent('One', { n: 1 }), newEvent('Two', { n: 2 })], {
        expectedRevision: 'no_stream',
      });
      await ctx.store.appendToStream(stream('b'), [newEvent('Other')], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(stream('a'), [newEvent('Three', { nested: { z: 1, a: [1, 2] } })], {
        expectedRevision: 1,
      });

      const recorded = await ctx.store.readStream(stream('a'));

      expect(recorded).toHaveLength(3);
      expect(recorded[0].prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < recorded.length; i++) expect(recorded[i].prevHash).toBe(recorded[i - 1].hash);
      for (const event of recorded) {
        expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(event.hash).toBe(computeEventHash(event.prevHash, event));
      }
      const [other] = await ctx.store.readStream(stream('b'));
      expect(other.prevHash).toBe(GENESIS_HASH);
      expect(other.hash).toBe(computeEventHash(GENESIS_HASH, other));
    });
  });
}
