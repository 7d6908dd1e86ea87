import type { RecordedEvent } from '@app/event-store';
import { consoleLogger, type Logger } from '@app/shared';
import { clientFold } from './folds/client-fold';
import { clientGrantFold } from './folds/client-grant-fold';
import { credentialFold } from './folds/credential-fold';
import { FoldReporter, type FoldHandlers, type FoldOutcome } from './folds/fold';
import type { ProjectedData, ProjectedEventType } from './projected-events';
import { hasValidData, isProjectedType } from './projected-events';
import type { ReadModel } from './read-model';

/** What `apply` did with one event. Every outcome advances the checkpoint past it but `duplicate`. */
export type ApplyOutcome =
  /** The read model changed (or, for a repeat of a final fact, its stream head moved). */
  | 'applied'
  /** Not ours, malformed, or about something the model does not know: logged, left out. */
  | 'skipped'
  /** At or below the checkpoint: already applied, ignored. */
  | 'duplicate';

export interface BatchResult {
  applied: number;
  skipped: number;
  duplicates: number;
  /** The checkpoint after the batch. */
  position: number;
}

export interface ReadModelProjectionOptions {
  /** Checkpoint name (default `credentials`, the name files written before the rename carry). */
  name?: string;
  logger?: Logger;
}

/**
 * Folds the log into the read model: one fold per entity (credentials,
 * clients, client grants, see `folds/`), this class only dispatches and owns
 * the transaction.
 *
 * Exactly once (invariant 7): each call runs the read-model change and the
 * checkpoint update in one SQLite transaction, and ignores events at or below
 * the checkpoint read inside that transaction. A recorded event is a fact and
 * is never rejected (style.md §10): what cannot be applied is logged and
 * skipped, and the checkpoint still moves past it. Only an infrastructure
 * failure (disk, a broken file) throws, leaving model and checkpoint as they
 * were, for the consumer to retry.
 *
 * Synchronous, as better-sqlite3 is: no other work interleaves with a batch.
 */
export class ReadModelProjection {
  static readonly DEFAULT_NAME = 'credentials';
  readonly name: string;
  private readonly logger: Logger;
  private readonly report: FoldReporter;
  private current: number;
  private readonly handlers: FoldHandlers<ProjectedEventType>;

  constructor(
    readonly readModel: ReadModel,
    options: ReadModelProjectionOptions = {},
  ) {
    this.name = options.name ?? ReadModelProjection.DEFAULT_NAME;
    this.logger = options.logger ?? consoleLogger;
    this.report = new FoldReporter(this.name, this.logger);
    this.current = readModel.checkpoint(this.name);
    const db = readModel.db;
    this.handlers = { ...credentialFold(db, this.report), ...clientFold(db, this.report, () => readModel.clientsChanged()), ...clientGrantFold(db, this.report) };
  }

  /** Last log position applied (the checkpoint; 0 before the first event). */
  position(): number {
    return this.current;
  }

  /** Applies one event in its own transaction. */
  apply(event: RecordedEvent): ApplyOutcome {
    let outcome: ApplyOutcome = 'duplicate';
    this.commit(() => {
      const checkpoint = this.readModel.checkpoint(this.name);
      if (event.position <= checkpoint) return checkpoint;
      outcome = this.fold(event);
      return event.position;
    });
    return outcome;
  }

  /**
   * Applies events (in log order) in ONE transaction with one checkpoint
   * write: the catch-up path, where a commit per event would dominate.
   */
  applyBatch(events: readonly RecordedEvent[]): BatchResult {
    const result: BatchResult = { applied: 0, skipped: 0, duplicates: 0, position: this.current };
    result.position = this.commit(() => {
      let checkpoint = this.readModel.checkpoint(this.name);
      for (const event of events) {
        if (event.position <= checkpoint) {
          result.duplicates++;
          continue;
        }
        if (this.fold(event) === 'applied') result.applied++;
        else result.skipped++;
        checkpoint = event.position;
      }
      return checkpoint;
    });
    return result;
  }

  /** Runs `change` and writes the checkpoint it returns in one IMMEDIATE transaction. */
  private commit(change: () => number): number {
    const db = this.readModel.db;
    const position = db
      .transaction(() => {
        const next = change();
        if (next !== this.readModel.checkpoint(this.name)) this.readModel.saveCheckpoint(this.name, next);
        return next;
      })
      .immediate();
    this.current = position;
    return position;
  }

  private fold(event: RecordedEvent): FoldOutcome {
    const { type } = event;
    if (!isProjectedType(type)) {
      this.logger.info(this.report.details(event), 'read-model projection: event type not projected, skipped');
      return 'skipped';
    }
    return this.dispatch(type, event);
  }

  private dispatch<K extends ProjectedEventType>(type: K, event: RecordedEvent): FoldOutcome {
    if (!hasValidData(type, event.data)) {
      this.logger.error(this.report.details(event), 'read-model projection: malformed event data, skipped');
      return 'skipped';
    }
    const handler = this.handlers[type] as (data: ProjectedData<K>, event: RecordedEvent) => FoldOutcome;
    return handler(event.data as ProjectedData<K>, event);
  }
}
