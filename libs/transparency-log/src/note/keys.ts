import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { MalformedKeyError } from '../errors';
import { ed25519PrivateKey, ed25519PublicKey, privateSeed, rawPublicKey } from './ed25519';

/** C2SP signed-note signature types: Ed25519 note signatures, and tlog-cosignature/v1 timestamped cosignatures. */
export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;

/** C2SP signed-note: a key name is non-empty UTF-8 without spaces, newlines or `+`. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** C2SP signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), as a uint32. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256').update(name).update(Buffer.from([0x0a, type])).update(publicKey).digest().readUInt32BE(0);
}

/** A public key that checks signature lines of one name and key id. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The signature type: ALG_ED25519 or ALG_COSIGNATURE_V1. */
  readonly type: number;
  readonly publicKey: KeyObject;
  /** `<name>+<hex key id>+<base64(type ‖ public key)>` */
  readonly verifierKey: string;
}

/** A private key that signs notes under its name. */
export interface NoteSigner extends NoteVerifier {
  sign(message: Uint8Array): Buffer;
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}

function verifierOf(name: string, type: number, publicKey: KeyObject): NoteVerifier {
  if (!isKeyName(name)) throw new MalformedKeyError(`"${name}" is not a key name (no spaces, newlines or +)`);
  const raw = rawPublicKey(publicKey);
  const id = keyId(name, type, raw);
  return { name, keyId: id, type, publicKey, verifierKey: `${name}+${hex8(id)}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}` };
}

/** Parses a C2SP verifier key `<name>+<hex key id>+<base64(type ‖ key)>`, checking the key id. */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitKey(text.trim());
  if (!parts) throw new MalformedKeyError('a verifier key is <name>+<hex key id>+<base64 key>');
  const [name, idHex, keyBase64] = parts;
  const key = strictBase64(keyBase64);
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !key || key.length !== 33) throw new MalformedKeyError('malformed verifier key');
  const type = key[0];
  if (type !== ALG_ED25519 && type !== ALG_COSIGNATURE_V1) throw new MalformedKeyError(`unknown signature type 0x${type.toString(16)}`);
  const raw = key.subarray(1);
  if (keyId(name, type, raw) !== parseInt(idHex, 16)) throw new MalformedKeyError('the key id does not match the key');
  return verifierOf(name, type, ed25519PublicKey(raw));
}

/** A signer from an Ed25519 private key. */
export function noteSigner(name: string, privateKey: KeyObject, type: number = ALG_ED25519): NoteSigner {
  const verifier = verifierOf(name, type, ed25519PublicKeyOf(privateKey));
  return { ...verifier, sign: (message) => sign(null, message, privateKey) };
}

/** A fresh Ed25519 signer. */
export function generateNoteSigner(name: string, type: number = ALG_ED25519): NoteSigner {
  return noteSigner(name, generateKeyPairSync('ed25519').privateKey, type);
}

/**
 * The signer key string of Go's `golang.org/x/mod/sumdb/note`:
 * `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ seed)>`, the format a
 * deployment gives in a file or an environment variable.
 */
export function formatSignerKey(signer: NoteSigner, privateKey: KeyObject): string {
  const seed = Buffer.concat([Buffer.from([signer.type]), privateSeed(privateKey)]).toString('base64');
  return `PRIVATE+KEY+${signer.name}+${hex8(signer.keyId)}+${seed}`;
}

/** Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ seed)>`, checking the key id. */
export function parseSignerKey(text: string): { signer: NoteSigner; privateKey: KeyObject } {
  const trimmed = text.trim();
  const parts = trimmed.startsWith('PRIVATE+KEY+') ? splitKey(trimmed.slice('PRIVATE+KEY+'.length)) : undefined;
  if (!parts) throw new MalformedKeyError('a signer key is PRIVATE+KEY+<name>+<hex key id>+<base64 seed>');
  const [name, idHex, seedBase64] = parts;
  const seed = strictBase64(seedBase64);
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !seed || seed.length !== 33) throw new MalformedKeyError('malformed signer key');
  if (seed[0] !== ALG_ED25519 && seed[0] !== ALG_COSIGNATURE_V1) throw new MalformedKeyError('unknown signature type');
  const privateKey = ed25519PrivateKey(seed.subarray(1));
  const signer = noteSigner(name, privateKey, seed[0]);
  if (signer.keyId !== parseInt(idHex, 16)) throw new MalformedKeyError('the key id does not match the key');
  return { signer, privateKey };
}

/** True when `signature` is `key`'s Ed25519 signature of `message`. */
export function verifyEd25519(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  return signature.length === 64 && verify(null, message, key, signature);
}

function ed25519PublicKeyOf(privateKey: KeyObject): KeyObject {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new MalformedKeyError('the signing key must be Ed25519');
  return createPublicKey(privateKey);
}

/** `<name>+<key id>+<base64>`: the base64 may itself hold `+`. */
function splitKey(text: string): [string, string, string] | undefined {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  return second < 0 ? undefined : [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

/** Standard base64 that round-trips (Buffer.from ignores stray characters). */
export function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
