import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { MemoryJtiReplayCache } from './jti-replay-cache';
import { DpopNonces } from './nonces';
import { proofKey, type ProofKey, signProof } from './testing/proofs';
import { accessTokenHash, type DpopProofCheck, verifyDpopProof } from './verify-dpop-proof';

const HTU = 'https://auth.example.com/oauth/token';
const NOW = new Date('2025-03-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

const check = (over: Partial<DpopProofCheck> = {}): DpopProofCheck => ({ htm: 'POST', htu: HTU, now: NOW, ...over });

/** A proof problem's code and reason, as the HTTP edge and the log see them. */
async function refusal(proof: Promise<string> | string, over: Partial<DpopProofCheck> = {}): Promise<{ code: string; reason?: string }> {
  try {
    await verifyDpopProof(await proof, check(over));
  } catch (error) {
    const e = error as { code: string; reason?: string };
    return { code: e.code, reason: e.reason };
  }
  throw new Error('the proof was accepted');
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyDpopProof (RFC 9449 §4.3)', () => {
  let es256: ProofKey;
  let other: ProofKey;
  beforeAll(async () => {
    es256 = await proofKey('ES256');
    other = await proofKey('ES256');
  });

  describe('a well-formed proof', () => {
    it.each(['ES256', 'EdDSA', 'RS256', 'PS256'])('is accepted with %s and returns the RFC 7638 thumbprint of its key', async (alg) => {
      const key = alg === 'ES256' ? es256 : await proofKey(alg);
      const verified = await verifyDpopProof(await signProof(key, { htu: HTU, iat: T, jti: 'j-1' }), check());
      expect(verified).toEqual({ jkt: await calculateJwkThumbprint(key.publicJwk, 'sha256'), jti: 'j-1', iat: T, alg });
      expect(verified.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('accepts an Ed25519 key under the fully specified alg name Ed25519 (RFC 9864), as openid-client 6 sends it', async () => {
      const key = { ...(await proofKey('EdDSA')), alg: 'Ed25519' };
      await expect(verifyDpopProof(await signProof(key, { htu: HTU, iat: T }), check())).resolves.toMatchObject({ alg: 'Ed25519' });
    });

    it('matches htu without query and fragment, after RFC 3986 normalisation', async () => {
      const proof = signProof(es256, { htu: 'HTTPS://Auth.Example.com:443/oauth/%74oken?x=1#f', iat: T });
      await expect(verifyDpopProof(await proof, check())).resolves.toMatchObject({ iat: T });
    });

    it('accepts the expected key', async () => {
      const jkt = await calculateJwkThumbprint(es256.publicJwk, 'sha256');
      await expect(verifyDpopProof(await signProof(es256, { htu: HTU, iat: T }), check({ expectedJkt: jkt }))).resolves.toMatchObject({ jkt });
    });
  });

  describe('refuses, as invalid_dpop_proof', () => {
    it('a proof for another method (htm)', async () => {
      expect(await refusal(signProof(es256, { htm: 'GET', htu: HTU, iat: T }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'htm' });
    });

    it.each([
      ['another path', 'https://auth.example.com/oauth/revoke'],
      ['another host', 'https://evil.example.com/oauth/token'],
      ['another scheme', 'http://auth.example.com/oauth/token'],
      ['another port', 'https://auth.example.com:8443/oauth/token'],
      ['not a URL', 'oauth/token'],
    ])('a proof for %s (htu)', async (_, htu) => {
      expect(await refusal(signProof(es256, { htu, iat: T }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'htu' });
    });

    it('a stale proof: iat more than 60 s ago', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T - 61 }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'iat' });
      await expect(verifyDpopProof(await signProof(es256, { htu: HTU, iat: T - 60 }), check())).resolves.toBeDefined();
    });

    it('a proof from the future: iat more than 5 s ahead', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T + 6 }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'iat' });
    });

    it('a proof without iat', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, claims: { iat: undefined } }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'iat' });
    });

    it('a proof without jti, or with an overlong one', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, claims: { jti: undefined } }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'jti' });
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, jti: 'x'.repeat(257) }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'jti' });
    });

    it('a replayed jti (§11.1), while another jti of the same key passes', async () => {
      const replayCache = new MemoryJtiReplayCache(() => NOW.getTime());
      const proof = await signProof(es256, { htu: HTU, iat: T, jti: 'once' });
      await verifyDpopProof(proof, check({ replayCache }));
      expect(await refusal(proof, { replayCache })).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'replayed' });
      await expect(verifyDpopProof(await signProof(es256, { htu: HTU, iat: T, jti: 'twice' }), check({ replayCache }))).resolves.toBeDefined();
    });

    it('a private key in the jwk header', async () => {
      const proof = signProof(es256, { htu: HTU, iat: T, header: { jwk: es256.privateJwk } });
      expect(await refusal(proof)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'jwk' });
    });

    it('a symmetric key in the jwk header, and no jwk at all', async () => {
      const secret = randomBytes(32);
      const hs = new SignJWT({ htm: 'POST', htu: HTU, iat: T, jti: 'h' })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'oct', k: secret.toString('base64url') } } as never)
        .sign(es256.privateKey);
      expect(await refusal(hs)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'jwk' });
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, header: { jwk: undefined } }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'jwk' });
    });

    it('alg none', async () => {
      const unsigned = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: es256.publicJwk })}.${b64({ htm: 'POST', htu: HTU, iat: T, jti: 'n' })}.`;
      expect(await refusal(unsigned)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'alg' });
    });

    it('HS256, keyed with the public key as a MAC secret', async () => {
      const mac = new SignJWT({ htm: 'POST', htu: HTU, iat: T, jti: 'm' })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: es256.publicJwk } as never)
        .sign(Buffer.from(JSON.stringify(es256.publicJwk)));
      expect(await refusal(mac)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'alg' });
    });

    it('an algorithm outside the configured allow-list', async () => {
      const rs = await proofKey('RS256');
      expect(await refusal(signProof(rs, { htu: HTU, iat: T }), { algorithms: ['ES256'] })).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'alg' });
    });

    it('a proof signed by another key than the one in its header', async () => {
      const forged = signProof(other, { htu: HTU, iat: T, header: { jwk: es256.publicJwk } });
      expect(await refusal(forged)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'signature' });
    });

    it('a tampered payload', async () => {
      const [h, , s] = (await signProof(es256, { htu: HTU, iat: T })).split('.');
      expect(await refusal(`${h}.${b64({ htm: 'POST', htu: HTU, iat: T, jti: 'z' })}.${s}`)).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'signature' });
    });

    it('another typ (an access token, a plain JWT)', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, header: { typ: 'JWT' } }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'typ' });
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, header: { typ: 'at+jwt' } }))).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'typ' });
    });

    it.each([['', 'empty'], ['a.b', 'two parts'], ['!!.!!.!!', 'not base64url'], ['x'.repeat(8193), 'oversized']])('a malformed proof (%s: %s)', async (proof) => {
      expect(await refusal(proof)).toMatchObject({ code: 'DPOP_PROOF_INVALID', reason: 'malformed' });
    });

    it('a wrong ath when an access token is presented, or none', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, ath: accessTokenHash('other-token') }), { accessToken: 'the-token' })).toEqual({
        code: 'DPOP_PROOF_INVALID',
        reason: 'ath',
      });
      expect(await refusal(signProof(es256, { htu: HTU, iat: T }), { accessToken: 'the-token' })).toEqual({ code: 'DPOP_PROOF_INVALID', reason: 'ath' });
      await expect(verifyDpopProof(await signProof(es256, { htu: HTU, iat: T, ath: accessTokenHash('the-token') }), check({ accessToken: 'the-token' }))).resolves.toBeDefined();
    });
  });

  describe('with the token bound to a key', () => {
    it("refuses another key's valid proof with DPOP_KEY_MISMATCH, before using up its jti", async () => {
      const replayCache = new MemoryJtiReplayCache(() => NOW.getTime());
      const expectedJkt = await calculateJwkThumbprint(es256.publicJwk, 'sha256');
      expect(await refusal(signProof(other, { htu: HTU, iat: T }), { expectedJkt, replayCache })).toEqual({ code: 'DPOP_KEY_MISMATCH', reason: undefined });
      expect(replayCache.size).toBe(0);
    });
  });

  describe('with server nonces (§8)', () => {
    const nonces = new DpopNonces({ key: randomBytes(32) });

    it('asks for a nonce when the proof has none, without using up its jti', async () => {
      const replayCache = new MemoryJtiReplayCache(() => NOW.getTime());
      expect(await refusal(signProof(es256, { htu: HTU, iat: T }), { nonces, replayCache })).toEqual({ code: 'DPOP_NONCE_REQUIRED', reason: 'missing' });
      expect(replayCache.size).toBe(0);
    });

    it('refuses a nonce it did not issue, and one of another key', async () => {
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, nonce: 'made-up' }), { nonces })).toEqual({ code: 'DPOP_NONCE_REQUIRED', reason: 'invalid' });
      const foreign = new DpopNonces({ key: randomBytes(32) }).current(NOW);
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, nonce: foreign }), { nonces })).toEqual({ code: 'DPOP_NONCE_REQUIRED', reason: 'invalid' });
    });

    it('refuses a stale nonce', async () => {
      const old = nonces.current(new Date(NOW.getTime() - 120_000));
      expect(await refusal(signProof(es256, { htu: HTU, iat: T, nonce: old }), { nonces })).toEqual({ code: 'DPOP_NONCE_REQUIRED', reason: 'stale' });
    });

    it('accepts the current nonce', async () => {
      await expect(verifyDpopProof(await signProof(es256, { htu: HTU, iat: T, nonce: nonces.current(NOW) }), check({ nonces }))).resolves.toBeDefined();
    });
  });
});
