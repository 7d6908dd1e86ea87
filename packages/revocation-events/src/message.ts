/**
 * The Kafka contract of a revocation (product.md, "Kafka message"):
 * CloudEvents 1.0 in Kafka binary content mode (CloudEvents Kafka protocol
 * binding §3.2): the context attributes travel as `ce_`-prefixed headers, the
 * data as the record value, its media type in `content-type`. Key = user id,
 * so all revocations of a user land on one partition, in order.
 *
 * The one definition of the contract: the relay (server side) builds records
 * of these types, downstream services parse them with `parseRevocationMessage`.
 */
import { z } from 'zod';
import { InvalidRevocationMessageError } from './errors';

/** CloudEvents `type` of a revocation. */
export const REVOCATION_CE_TYPE = 'refresh_token.revoked';
export const CE_SPEC_VERSION = '1.0';
export const REVOCATION_CONTENT_TYPE = 'application/json';

/** The record value: snake_case, as downstream services read it. */
export interface RevocationEventData {
  credential_id: string;
  client_id: string;
  user_id: string;
  device_id: string;
  device_name: string;
  reason: string;
  revoked_by: string;
  /** ISO-8601. */
  revoked_at: string;
  /** Global position of the event in the service's log (ordering and audit cross-reference). */
  log_position: number;
}

/** CloudEvents binary-mode headers of a revocation record (a type alias, so it fits kafkajs's indexed `IHeaders`). */
export type RevocationHeaders = {
  ce_specversion: typeof CE_SPEC_VERSION;
  /** The event id: de-duplicate by it (delivery is at least once). */
  ce_id: string;
  /** The issuer (`ISSUER`) of the service that revoked. */
  ce_source: string;
  ce_type: typeof REVOCATION_CE_TYPE;
  /** When the revocation happened (ISO-8601): the event's `revokedAt`. */
  ce_time: string;
  /** The credential id, i.e. the `sid` of the id_tokens minted from it. */
  ce_subject: string;
  'content-type': typeof REVOCATION_CONTENT_TYPE;
};

/** A record ready for kafkajs `producer.send({ messages: [...] })`; the relay adds `ce_signature` (signing-input.ts). */
export interface RevocationKafkaMessage {
  key: string;
  value: string;
  headers: RevocationHeaders & { ce_signature?: string };
}

/** A validated revocation as the consumer SDK hands it out. */
export interface RevocationEvent {
  /** `ce_id`. */
  id: string;
  /** `ce_source`. */
  source: string;
  /** `ce_time`. */
  time: string;
  /** `ce_subject`: the revoked credential id. */
  subject: string;
  /** The record key (user id). */
  key: string;
  data: RevocationEventData;
}

// ---------------------------------------------------------------- runtime validation

const nonEmpty = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });

/** Zod schema of the record value. Unknown fields are allowed (additive evolution of the contract). */
export const revocationEventDataSchema = z.object({
  credential_id: nonEmpty,
  client_id: nonEmpty,
  user_id: nonEmpty,
  device_id: z.string(),
  device_name: z.string(),
  reason: nonEmpty,
  revoked_by: nonEmpty,
  revoked_at: isoTime,
  log_position: z.number().int().nonnegative(),
});

/** Zod schema of the CloudEvents headers (decoded to strings). */
export const revocationHeadersSchema = z.object({
  ce_specversion: z.literal(CE_SPEC_VERSION),
  ce_id: nonEmpty,
  ce_source: nonEmpty,
  ce_type: z.literal(REVOCATION_CE_TYPE),
  ce_time: isoTime,
  ce_subject: nonEmpty,
  'content-type': z.string().refine((v) => v.split(';')[0].trim().toLowerCase() === REVOCATION_CONTENT_TYPE, {
    message: `expected ${REVOCATION_CONTENT_TYPE}`,
  }),
});

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** What a consumed record looks like (kafkajs `KafkaMessage` fits). */
export interface ConsumedRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

const text = (v: Buffer | string | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'string' ? v : v.toString('utf8');

/**
 * Validates a consumed record against the contract and returns the event.
 * Checks the CloudEvents headers, the JSON value, and that they agree
 * (`ce_subject` = `credential_id`, key = `user_id`).
 * @throws InvalidRevocationMessageError naming every violation.
 */
export function parseRevocationMessage(record: ConsumedRecord): RevocationEvent {
  const headers: Record<string, string | undefined> = {};
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    // A repeated header: CloudEvents attributes are single-valued, take the last.
    headers[name.toLowerCase()] = text(Array.isArray(raw) ? raw[raw.length - 1] : raw);
  }
  const parsedHeaders = revocationHeadersSchema.safeParse(headers);
  if (!parsedHeaders.success) {
    throw new InvalidRevocationMessageError(`invalid CloudEvents headers: ${z.prettifyError(parsedHeaders.error)}`);
  }
  const rawValue = text(record.value);
  if (rawValue === undefined) throw new InvalidRevocationMessageError('revocation record without a value');
  let json: unknown;
  try {
    json = JSON.parse(rawValue);
  } catch (cause) {
    throw new InvalidRevocationMessageError('revocation record value is not JSON', { cause });
  }
  const parsedData = revocationEventDataSchema.safeParse(json);
  if (!parsedData.success) {
    throw new InvalidRevocationMessageError(`invalid revocation value: ${z.prettifyError(parsedData.error)}`);
  }
  const h = parsedHeaders.data;
  const data = parsedData.data;
  if (h.ce_subject !== data.credential_id) {
    throw new InvalidRevocationMessageError(`ce_subject ${h.ce_subject} differs from credential_id ${data.credential_id}`);
  }
  const key = text(record.key) ?? data.user_id;
  if (key !== data.user_id) throw new InvalidRevocationMessageError(`record key ${key} differs from user_id ${data.user_id}`);
  return { id: h.ce_id, source: h.ce_source, time: h.ce_time, subject: h.ce_subject, key, data };
}
