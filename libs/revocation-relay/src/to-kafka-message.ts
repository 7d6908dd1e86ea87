import type { RecordedEvent } from '@app/event-store';
import type { RefreshTokenRevokedData } from '@app/refresh-tokens';
import {
  CE_SPEC_VERSION,
  NotARevocationEventError,
  REVOCATION_CE_TYPE,
  REVOCATION_CONTENT_TYPE,
  revocationSigningInput,
  type RevocationEventData,
  type RevocationKafkaMessage,
} from '@refresh-token-service/revocation-events';

/**
 * Builds the Kafka record of a recorded `RefreshTokenRevoked` event, in the
 * contract the SDK package defines (and parses).
 * @throws NotARevocationEventError for any other event type.
 */
export function toKafkaMessage(event: RecordedEvent, issuer: string): RevocationKafkaMessage {
  if (event.type !== 'RefreshTokenRevoked') {
    throw new NotARevocationEventError(`event ${event.id} is a ${event.type}, not a RefreshTokenRevoked`);
  }
  // A recorded event is a fact written by the domain through the typed port: its data has this shape.
  const data = event.data as unknown as RefreshTokenRevokedData;
  const value: RevocationEventData = {
    credential_id: data.credentialId,
    client_id: data.clientId,
    user_id: data.userId,
    device_id: data.deviceId,
    device_name: data.deviceName,
    reason: data.reason,
    revoked_by: data.revokedBy,
    revoked_at: data.revokedAt,
    log_position: event.position,
  };
  return {
    key: data.userId,
    value: JSON.stringify(value),
    headers: {
      ce_specversion: CE_SPEC_VERSION,
      ce_id: event.id,
      ce_source: issuer,
      ce_type: REVOCATION_CE_TYPE,
      ce_time: data.revokedAt,
      ce_subject: data.credentialId,
      'content-type': REVOCATION_CONTENT_TYPE,
    },
  };
}

/** Signs a record's signing input (the SDK's `revocationSigningInput`): returns the `ce_signature` value. */
export type RevocationSigner = (signingInput: Uint8Array) => Promise<string>;

/**
 * The record of `toKafkaMessage` with its `ce_signature` (product.md, "Signed
 * messages"): signed over every `ce_*` header and the value, so no header or
 * field can be changed, nor the signature replayed under another `ce_id`.
 */
export async function toSignedKafkaMessage(event: RecordedEvent, issuer: string, sign: RevocationSigner): Promise<RevocationKafkaMessage> {
  const message = toKafkaMessage(event, issuer);
  const signature = await sign(revocationSigningInput(message.headers, message.value));
  return { ...message, headers: { ...message.headers, ce_signature: signature } };
}
