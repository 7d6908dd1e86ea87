/**
 * Verifies a record's `ce_signature` (see signing-input.ts for what it
 * signs) against the issuer's JWKS, fetched from `jwksUri` by jose: cached,
 * refetched when a `kid` is not in it, at most once per `cooldownMs`, so a
 * flood of records naming made-up kids costs one request a minute.
 */
import { base64url, compactVerify, createRemoteJWKSet, type JWSHeaderParameters } from 'jose';
import type { ConsumedRecord } from './message';
import { REVOCATION_JWS_TYPE, REVOCATION_SIGNATURE_HEADER, revocationSigningInput } from './signing-input';

/** The asymmetric algorithms the service signs with; `none` and HMAC never verify a message. */
export const MESSAGE_SIGNATURE_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** Least time between two JWKS fetches (product.md: at most once a minute). */
export const DEFAULT_JWKS_COOLDOWN_MS = 60_000;

/**
 * `ok`, or why not. `unsigned`: no `ce_signature`. `bad_signature`: one that
 * does not verify (malformed, a foreign or retired key, an altered record).
 * `unknown_kid`: a `kid` the JWKS lacked while a refetch was not yet allowed
 * (retry after the cooldown: a key may just have been rotated in).
 * `unavailable`: the JWKS could not be fetched (retry; nothing was judged).
 */
export type SignatureCheck =
  | { ok: true; kid: string }
  | { ok: false; reason: 'unsigned' | 'bad_signature' | 'unknown_kid' | 'unavailable'; detail: string };

export interface MessageVerifierOptions {
  jwksUri: string | URL;
  cooldownMs?: number;
  /** How long one JWKS request may take. Default 5 s. */
  timeoutMs?: number;
}

/** Checks one consumed record's signature. */
export type MessageVerifier = (record: ConsumedRecord) => Promise<SignatureCheck>;

/** What jose's errors mean for a record: judged bad, or not judged (the JWKS could not be had). */
const JUDGED = new Set([
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWS_INVALID',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
  'INVALID_REVOCATION_MESSAGE',
]);

/** Returns a function that checks one consumed record's signature against the JWKS at `jwksUri`. */
export function messageVerifier(options: MessageVerifierOptions): MessageVerifier {
  const jwks = createRemoteJWKSet(new URL(String(options.jwksUri)), {
    cooldownDuration: options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return async (record) => {
    const raw = record.headers?.[REVOCATION_SIGNATURE_HEADER];
    if (raw === undefined) return { ok: false, reason: 'unsigned', detail: `no ${REVOCATION_SIGNATURE_HEADER} header` };
    if (Array.isArray(raw) || record.value === null) return { ok: false, reason: 'bad_signature', detail: 'repeated signature or no value' };
    const [header, payload, signature, ...rest] = (typeof raw === 'string' ? raw : raw.toString('utf8')).split('.');
    if (payload !== '' || signature === undefined || rest.length > 0) {
      return { ok: false, reason: 'bad_signature', detail: 'not a compact JWS with a detached payload' };
    }
    // jose refetches on an unknown kid only outside the cooldown: a miss inside it is not a verdict yet.
    const refetchAllowed = !jwks.coolingDown;
    try {
      const input = revocationSigningInput(record.headers ?? {}, record.value);
      const { protectedHeader } = await compactVerify(`${header}.${base64url.encode(input)}.${signature}`, jwks, {
        algorithms: MESSAGE_SIGNATURE_ALGORITHMS,
      });
      return checkHeader(protectedHeader);
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'error');
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') return { ok: false, reason: refetchAllowed ? 'bad_signature' : 'unknown_kid', detail: code };
      return { ok: false, reason: JUDGED.has(code) ? 'bad_signature' : 'unavailable', detail: code };
    }
  };
}

function checkHeader(header: JWSHeaderParameters): SignatureCheck {
  if (header.typ !== REVOCATION_JWS_TYPE) return { ok: false, reason: 'bad_signature', detail: `typ ${String(header.typ)}` };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'bad_signature', detail: 'no kid' };
  return { ok: true, kid: header.kid };
}
