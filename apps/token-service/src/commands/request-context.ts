import type { EventMetadata } from '@app/event-store';

/** Who is asking and in reply to what: becomes every event's metadata (audit). */
export interface RequestContext {
  /** Management client id, OAuth client id, or `system` (start-up and cascades). */
  actor: string;
  /** The caller's X-Correlation-Id / X-Request-Id, or one we made. */
  correlationId: string;
  /** What caused this command: the request id, or the event id of a cascade. */
  causationId?: string;
}

export const SYSTEM_ACTOR = 'system';

export function metadataFor(context: RequestContext, occurredAt: Date, reason?: string): EventMetadata {
  return {
    actor: context.actor,
    ...(reason !== undefined ? { reason } : {}),
    correlationId: context.correlationId,
    ...(context.causationId !== undefined ? { causationId: context.causationId } : {}),
    occurredAt: occurredAt.toISOString(),
  };
}
