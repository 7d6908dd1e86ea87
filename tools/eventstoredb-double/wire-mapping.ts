/**
 * TEST DOUBLE — not EventStoreDB. Mapping between the double's event log and the protobuf messages of
 * `@eventstore/db-client/generated` (ids, positions, events, filters).
 */
import { AllStreamPosition, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp, type AppendReq, type BatchAppendReq, type ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { EventLog, LogFilter, ProposedEvent, StoredEvent } from './event-log';

/** $all is ordered by (commit, prepare): a requested position compares as that tuple. */
export function indexAtOrAfter(log: EventLog, position: ReadReq.Options.Position): number {
  return log.indexAtOrAfter(Number(position.getCommitPosition()), Number(position.getPreparePosition()));
}

export function streamName(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function uuidString(uuid: UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const buffer = Buffer.alloc(16);
  buffer.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  buffer.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = buffer.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const buffer = Buffer.from(id.replace(/-/g, ''), 'hex');
  const parts = new UUID.Structured();
  parts.setMostSignificantBits(buffer.readBigInt64BE(0).toString());
  parts.setLeastSignificantBits(buffer.readBigInt64BE(8).toString());
  uuid.setStructured(parts);
  return uuid;
}

export function fromProposed(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

export function allStreamPosition(commit: number, prepare: number): AllStreamPosition {
  const result = new AllStreamPosition();
  result.setCommitPosition(String(commit));
  result.setPreparePosition(String(prepare));
  return result;
}

export function eventResp(event: StoredEvent, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(toUuid(event.id, structuredIds));
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(event.streamId, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(event.revision));
  recorded.setCommitPosition(String(event.commit));
  recorded.setPreparePosition(String(event.position));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.createdTicks.toString());
  recorded.setCustomMetadata(event.customMetadata);
  recorded.setData(event.data);
  const readEvent = new ReadResp.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(String(event.commit));
  const resp = new ReadResp();
  resp.setEvent(readEvent);
  return resp;
}

export function toLogFilter(options: ReadReq.Options.FilterOptions): LogFilter {
  const on = options.hasStreamIdentifier() ? 'stream' : 'event_type';
  const expression = options.hasStreamIdentifier() ? options.getStreamIdentifier()! : options.getEventType()!;
  const regex = expression.getRegex();
  // .NET and JavaScript regex dialects agree on the simple patterns clients send (e.g. `^[^$].*`).
  return { on, prefixes: expression.getPrefixList(), regex: regex ? new RegExp(regex) : undefined };
}
