/**
 * Where a subscriber remembers how far it has processed the log. The relay
 * saves a position only after Kafka acknowledged everything up to it
 * (architecture.md invariant 7), so a crash replays from there: at least once.
 */
export interface CheckpointStore {
  /** The saved position, or `undefined` when this subscriber never saved one (start from the beginning). */
  load(name: string): Promise<number | undefined>;
  /** Saves a position; never moves a checkpoint backwards. */
  save(name: string, position: number): Promise<void>;
  close?(): Promise<void>;
}

/** A checkpoint store in memory (tests, or a relay that may replay everything on restart). */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();
  async load(name: string): Promise<number | undefined> {
    return this.positions.get(name);
  }
  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, Math.max(position, this.positions.get(name) ?? position));
  }
}
