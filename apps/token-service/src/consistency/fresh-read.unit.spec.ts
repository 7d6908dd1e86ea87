import { freshRead } from './fresh-read';

/** A read whose outcome the test settles by hand, counting how many started. */
function manualRead() {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const read = () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
  return { read, pending };
}

describe('freshRead', () => {
  it('given no read in flight, when called, then one read starts and its value is returned', async () => {
    const { read, pending } = manualRead();
    const fresh = freshRead(read);
    const answer = fresh();
    expect(pending).toHaveLength(1);
    pending[0].resolve(7);
    await expect(answer).resolves.toBe(7);
  });

  it('given a read in flight, when many call, then they share one next read that starts after it, never the older one', async () => {
    const { read, pending } = manualRead();
    const fresh = freshRead(read);
    const first = fresh();
    const later = Array.from({ length: 100 }, () => fresh());
    expect(pending).toHaveLength(1); // at most one read at a time
    pending[0].resolve(1);
    await first;
    await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(2); // one more, for all hundred
    pending[1].resolve(2);
    expect(await Promise.all(later)).toEqual(Array(100).fill(2));
  });

  it('given a failed read, when called again, then a new read starts (a failure is not kept)', async () => {
    const { read, pending } = manualRead();
    const fresh = freshRead(read);
    const failed = fresh();
    pending[0].reject(new Error('store down'));
    await expect(failed).rejects.toThrow('store down');
    const retried = fresh();
    expect(pending).toHaveLength(2);
    pending[1].resolve(3);
    await expect(retried).resolves.toBe(3);
  });
});
