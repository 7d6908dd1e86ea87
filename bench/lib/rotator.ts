/**
 * Request bodies that rotate over many tokens, so a load run spreads over the
 * read model instead of hammering one row: each call returns the next item,
 * wrapping around; `offset` lets concurrent runs start at different places.
 */
export function rotator<T>(items: readonly T[], offset = 0): () => T {
  if (items.length === 0) throw new RangeError('rotator needs at least one item');
  let next = ((offset % items.length) + items.length) % items.length;
  return () => {
    const item = items[next];
    next = next + 1 === items.length ? 0 : next + 1;
    return item;
  };
}

/**
 * The same items in an order where consecutive ones belong to different
 * groups (e.g. users) as far as possible: round-robin over the groups, in
 * order of first appearance. Stable and deterministic.
 */
export function interleaveBy<T>(items: readonly T[], groupOf: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(item);
  }
  const queues = [...groups.values()];
  const out: T[] = [];
  for (let round = 0; out.length < items.length; round++) {
    for (const queue of queues) if (round < queue.length) out.push(queue[round]);
  }
  return out;
}
