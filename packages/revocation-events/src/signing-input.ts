/**
 * What `ce_signature` signs (product.md, "Signed messages"), defined byte
 * for byte so a consumer in any language can rebuild it:
 *
 *     field(b) = uint32 big-endian byte length of b ‖ b
 *     input    = field(name₁) ‖ field(value₁) ‖ … ‖ field(nameₙ) ‖ field(valueₙ) ‖ field(record value)
 *
 * where (nameᵢ, valueᵢ) are the record's headers whose name, lower-cased,
 * starts with `ce_`, except `ce_signature` itself: names lower-cased, as
 * UTF-8; values as their raw bytes; sorted by name, bytewise ascending. A
 * `ce_` header present twice (in any case) makes a record unverifiable. The
 * record value is its raw bytes. Length prefixes make the split unambiguous,
 * and the first byte (0, as no name is 16 MiB long) keeps the input from ever
 * parsing as a JWT's JSON claims.
 *
 * `ce_signature` is then a JWS (RFC 7515) in compact serialization with a
 * detached payload (Appendix F): `BASE64URL(protected header) ‖ '..' ‖
 * BASE64URL(signature)`, the payload being `input` (base64url-encoded in the
 * JWS signing input, as RFC 7515 §5.1 says). Protected header: `alg`, `kid`
 * (a key of the issuer's JWKS) and `typ` = REVOCATION_JWS_TYPE.
 */
import { InvalidRevocationMessageError } from './errors';

/** The header that carries the signature. */
export const REVOCATION_SIGNATURE_HEADER = 'ce_signature';
/** `typ` of the signature's protected header: a message signature is never taken for a token, nor a token for one. */
export const REVOCATION_JWS_TYPE = 'revocation+jws';

type Bytes = Buffer | string;
/** A header as kafkajs hands it over (repeated headers as an array). */
export type RecordHeaderValue = Bytes | Bytes[] | undefined;

const bytes = (v: Bytes): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

function field(b: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(b.length);
  return [length, b];
}

/**
 * The bytes `ce_signature` signs, from a record's headers and value.
 * @throws InvalidRevocationMessageError when a `ce_` header is repeated.
 */
export function revocationSigningInput(headers: Readonly<Record<string, RecordHeaderValue>>, value: Bytes): Uint8Array {
  const signed = new Map<string, Buffer>();
  for (const [rawName, raw] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('ce_') || name === REVOCATION_SIGNATURE_HEADER || raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    if (signed.has(name) || values.length !== 1) throw new InvalidRevocationMessageError(`header ${name} is repeated`);
    signed.set(name, bytes(values[0]));
  }
  const names = [...signed.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return Buffer.concat([...names.flatMap((name) => [...field(Buffer.from(name, 'utf8')), ...field(signed.get(name) as Buffer)]), ...field(bytes(value))]);
}
