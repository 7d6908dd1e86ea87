import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataKeyInvalidError, SealedValueInvalidError } from './errors';
import { createPrivateFileExclusive, ensurePrivateDir } from '@app/process';

export const DATA_KEY_FILE = 'data.key';
const KEY_BYTES = 32;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit random IVs
const TAG_BYTES = 16;
const VERSION = 'v1';

const STRICT_BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeDataKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = STRICT_BASE64.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new DataKeyInvalidError(`${where}: expected ${KEY_BYTES} bytes of base64`);
  return key;
}

export interface SecretSealerOptions {
  /** The key directory, `DATA_DIR/keys/`; `data.key` is read from or generated (0600) in it. */
  dir: string;
  /** The data key as base64 (`DATA_KEY`); when set, nothing is read or written. */
  dataKey?: string;
}

/**
 * Encrypts what must be stored but read back: the client secret of HS256
 * clients (id_tokens are signed with it, so a hash is not enough; see
 * `sealedClientSecret` in libs/clients/src/events.ts).
 *
 * AES-256-GCM under a 32-byte data key. Sealed form, versioned so the scheme
 * can change: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts), where
 * keyId is the first 8 hex digits of SHA-256(data key): opening with another
 * key fails clearly instead of as "tampered". The version, keyId and the
 * optional `context` (say, the client id, so one client's sealed secret cannot
 * be moved onto another) are authenticated as additional data.
 */
export class SecretSealer {
  private readonly key: Buffer;
  /** Identifies the data key without revealing it. */
  readonly keyId: string;

  constructor(dataKey: Uint8Array) {
    if (dataKey.length !== KEY_BYTES) throw new DataKeyInvalidError(`data key must be ${KEY_BYTES} bytes`);
    this.key = Buffer.from(dataKey);
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }

  /** From `dataKey` (DATA_KEY), else `<dir>/data.key`, generated on first start (two starters agree on one). */
  static async load(options: SecretSealerOptions): Promise<SecretSealer> {
    if (options.dataKey !== undefined) return new SecretSealer(decodeDataKey(options.dataKey, 'DATA_KEY'));
    ensurePrivateDir(options.dir, { keepIfNotOwner: true });
    const path = join(options.dir, DATA_KEY_FILE);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) return new SecretSealer(decodeDataKey(text, path));
    // Lose the race → read the winner's key.
    await createPrivateFileExclusive(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    return new SecretSealer(decodeDataKey(await readFile(path, 'utf8'), path));
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.keyId, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
  }

  /** The plaintext, or SEALED_VALUE_INVALID when malformed, sealed under another key or context, or tampered with. */
  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SealedValueInvalidError('not a v1 sealed value');
    const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId) throw new SealedValueInvalidError(`sealed under data key ${keyId}, this is ${this.keyId}`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedValueInvalidError('bad iv or tag length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.aad(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SealedValueInvalidError('authentication failed', { cause: error });
    }
  }

  /**
   * A key for another purpose, derived from the data key (HKDF-SHA-256,
   * RFC 5869; `info` names the purpose): every replica that shares DATA_KEY
   * derives the same, and the data key itself is never handed out.
   */
  deriveKey(info: string, length = KEY_BYTES): Buffer {
    if (info.length === 0) throw new RangeError('a derived key needs a purpose (info)');
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), Buffer.from(info, 'utf8'), length));
  }

  private aad(context: string): Buffer {
    return Buffer.from(`${VERSION}.${this.keyId}.${context}`, 'utf8');
  }
}
