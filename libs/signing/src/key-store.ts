import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type KeyLike } from 'jose';
import type { Clock } from '@app/shared';
import { ASYMMETRIC_ALGS, type AsymmetricAlg } from './algorithms';
import {
  KeyInUseError,
  KeyMayStillVerifyError,
  KeyNotFoundError,
  KeyStoreInvalidError,
  KeyStoreReadOnlyError,
  NoSigningKeyError,
} from './errors';
import { generateSigningKey } from './generate-signing-key';
import { keyMaterial, parsePrivateJwk, type PublicJwk, type StoredPrivateJwk, toPublicJwk } from './jwk';
import { createPrivateFileExclusive, ensurePrivateDir, writePrivateFileAtomic } from '@app/process';
import { withDirLock } from './dir-lock';

/** Key files in the directory are `<kid>.jwk.json`; anything else (temp files, `data.key`, `.lock`) is ignored. */
export const KEY_FILE_SUFFIX = '.jwk.json';

export interface KeyStoreOptions {
  /** The key directory, `DATA_DIR/keys/`. Created (0700) and filled on first start unless keys are provided. */
  dir: string;
  /** A JWKS of private keys as JSON text (`SIGNING_KEYS`). When set, nothing is read from or written to `dir`. */
  keysJson?: string;
  /** Path of a JSON file holding such a JWKS (`SIGNING_KEYS_FILE`). `keysJson` wins when both are set. */
  keysFile?: string;
  clock: Clock;
  /** Least time between directory re-reads caused by an unknown `kid` (default 30 s): a flood of forged kids costs one readdir per window. */
  reloadCooldownMs?: number;
}

/** A private key to sign with. */
export interface SigningKey {
  kid: string;
  alg: AsymmetricAlg;
  privateKey: KeyLike;
}

/** A public key to verify with. */
export interface VerificationKey {
  kid: string;
  alg: AsymmetricAlg;
  publicKey: KeyLike;
}

/**
 * A key's place in the rotation, for operators:
 * `signing` (the newest active key of its alg), `active` (older, still verifies),
 * `pending` (published, signs from `notBefore`), `retired` (gone from the JWKS).
 */
export type KeyStatus = 'signing' | 'active' | 'pending' | 'retired';

/** What `retire` must know to tell whether tokens a key signed may still be valid. */
export interface RetireOptions {
  /** The longest lifetime of a token a key signs (the clients' id_token lifetimes, access tokens), seconds. */
  tokenLifetimeSeconds: number;
  /** How long a running service may keep signing with a superseded key: its key reload interval (KEYS_RELOAD_INTERVAL_MS). */
  reloadIntervalMs?: number;
  /** Retire even though tokens it signed may still be valid (they stop verifying at once). */
  force?: boolean;
}

export interface KeyInfo {
  kid: string;
  alg: AsymmetricAlg;
  status: KeyStatus;
  createdAt?: string;
  notBefore?: string;
  retiredAt?: string;
}

interface Entry {
  jwk: StoredPrivateJwk;
  /** Position in a provided JWKS: later is newer when `created_at` is absent. 0 for files. */
  order: number;
  file?: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: PublicJwk;
}

const dateMs = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/** Newest first: `created_at` (absent = oldest), then position in a provided set, then kid (so every process agrees). */
function newestFirst(a: Entry, b: Entry): number {
  const byCreated = (dateMs(b.jwk.created_at) ?? -Infinity) - (dateMs(a.jwk.created_at) ?? -Infinity);
  if (byCreated !== 0 && !Number.isNaN(byCreated)) return byCreated;
  if (a.order !== b.order) return b.order - a.order;
  return a.jwk.kid < b.jwk.kid ? 1 : a.jwk.kid > b.jwk.kid ? -1 : 0;
}

async function toEntry(jwk: StoredPrivateJwk, order: number, file?: string): Promise<Entry> {
  const where = file ?? `provided key ${order}`;
  try {
    const privateKey = await importJWK(keyMaterial(jwk, 'private'), jwk.alg);
    const publicKey = await importJWK(keyMaterial(jwk, 'public'), jwk.alg);
    if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
      throw new KeyStoreInvalidError(`${where}: symmetric key`);
    }
    return { jwk, order, file, privateKey, publicKey, publicJwk: toPublicJwk(jwk) };
  } catch (error) {
    if (error instanceof KeyStoreInvalidError) throw error;
    throw new KeyStoreInvalidError(`${where}: key material rejected`, { cause: error });
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new KeyStoreInvalidError(`${where}: not valid JSON`, { cause: error });
  }
}

function checkUniqueKids(entries: readonly Entry[]): void {
  const seen = new Set<string>();
  for (const { jwk } of entries) {
    if (seen.has(jwk.kid)) throw new KeyStoreInvalidError(`duplicate kid ${jwk.kid}`);
    seen.add(jwk.kid);
  }
}

/**
 * The service's signing keys (product.md F7).
 *
 * Sources: a directory of `<kid>.jwk.json` files (the embedded default,
 * generated on first start: one RS256, one ES256, one EdDSA key; files 0600,
 * directory 0700), or a JWKS of private keys given by the environment, in
 * which case nothing is generated and `rotate`/`retire` are refused.
 *
 * Rotation without downtime: several keys per algorithm may coexist. The
 * newest active one (greatest `created_at`; in a provided set without dates,
 * the later entry) signs; every non-retired key stays in the JWKS, so tokens
 * signed before a rotation keep verifying until their keys are retired.
 * A key may carry `not_before`: published at once, signing only from then,
 * which lets relying parties' JWKS caches pick it up first.
 *
 * Several processes may share the directory: first-start generation runs
 * under a lock; writes are temp file + rename; a process that meets an
 * unknown `kid` re-reads the directory (rate limited) to see keys another
 * process added. Call `reload()` to pick up a rotation eagerly.
 */
export class KeyStore {
  private entries: Entry[] = [];
  private lastReloadMs = 0;
  private pendingReload: Promise<void> | undefined;

  private constructor(
    private readonly options: KeyStoreOptions,
    /** `'provided'` when keys came from SIGNING_KEYS / SIGNING_KEYS_FILE. */
    readonly source: 'directory' | 'provided',
  ) {}

  /** Loads the keys, generating the directory's missing ones on first start. */
  static async open(options: KeyStoreOptions): Promise<KeyStore> {
    if (options.keysJson !== undefined || options.keysFile !== undefined) {
      const store = new KeyStore(options, 'provided');
      await store.loadProvided();
      return store;
    }
    const store = new KeyStore(options, 'directory');
    ensurePrivateDir(options.dir, { keepIfNotOwner: true });
    await store.loadDirectory();
    if (store.missingAlgs().length > 0) {
      await withDirLock(options.dir, async () => {
        // Another process may have generated them while we waited for the lock.
        await store.loadDirectory();
        for (const alg of store.missingAlgs()) {
          const jwk = await generateSigningKey(alg, { createdAt: options.clock.now() });
          await createPrivateFileExclusive(join(options.dir, `${jwk.kid}${KEY_FILE_SUFFIX}`), `${JSON.stringify(jwk, null, 2)}\n`);
        }
      });
      await store.loadDirectory();
    }
    return store;
  }

  /** Algorithms that have a key able to sign right now, RS256 first. */
  algorithms(): AsymmetricAlg[] {
    const now = this.nowMs();
    return ASYMMETRIC_ALGS.filter((alg) => this.entries.some((e) => e.jwk.alg === alg && this.isActive(e, now)));
  }

  /** The key that signs new tokens of `alg`: the newest active one. Throws NO_SIGNING_KEY. */
  signingKey(alg: AsymmetricAlg): SigningKey {
    const entry = this.signingEntry(alg, this.nowMs());
    if (!entry) throw new NoSigningKeyError(`no active ${alg} signing key`);
    return { kid: entry.jwk.kid, alg, privateKey: entry.privateKey };
  }

  /** The JWKS to publish at `/.well-known/jwks.json`: public members of every non-retired key, plus kid, alg, use. */
  jwks(): { keys: PublicJwk[] } {
    const now = this.nowMs();
    const keys = ASYMMETRIC_ALGS.flatMap((alg) =>
      this.entries.filter((e) => e.jwk.alg === alg && !this.isRetired(e, now)).map((e) => ({ ...e.publicJwk })),
    );
    return { keys };
  }

  /**
   * The public key for a token's `kid`, or undefined when no non-retired key
   * has it. A miss re-reads the directory once per cooldown window, so keys
   * rotated in by another process are found; a re-read that fails throws
   * (KEY_STORE_INVALID) once, and misses answer undefined until the window ends.
   */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    const found = this.findVerificationKey(kid);
    if (found || this.source === 'provided') return found;
    const cooldown = this.options.reloadCooldownMs ?? 30_000;
    if (Date.now() - this.lastReloadMs < cooldown) return undefined;
    // Counted before the read: a re-read that fails (a broken key file) waits out the cooldown too,
    // else every forged kid would cost a directory read and answer 500.
    this.lastReloadMs = Date.now();
    await this.reload();
    return this.findVerificationKey(kid);
  }

  /**
   * Adds a new key for `alg`; it signs from `notBefore` (default: at once) while
   * the older keys keep verifying. Refused (KEY_STORE_READ_ONLY) for provided keys.
   */
  async rotate(alg: AsymmetricAlg, options: { notBefore?: Date } = {}): Promise<KeyInfo> {
    this.assertWritable();
    const jwk = await generateSigningKey(alg, { createdAt: this.options.clock.now(), notBefore: options.notBefore });
    await writePrivateFileAtomic(join(this.options.dir, `${jwk.kid}${KEY_FILE_SUFFIX}`), `${JSON.stringify(jwk, null, 2)}\n`);
    await this.reload();
    return this.describe(this.entries.find((e) => e.jwk.kid === jwk.kid) ?? (await toEntry(jwk, 0)));
  }

  /**
   * Takes a key out of the JWKS: tokens it signed stop verifying. Refused
   * (KEY_IN_USE) for the last active key of its algorithm: rotate first; and
   * (KEY_MAY_STILL_VERIFY, unless `force`) until every token it may have
   * signed has expired: the key signed until a newer key of its algorithm
   * became active (a service picks that up within `reloadIntervalMs`), and a
   * token lives at most `tokenLifetimeSeconds`.
   */
  async retire(kid: string, options: RetireOptions): Promise<KeyInfo> {
    this.assertWritable();
    await this.reload();
    const now = this.nowMs();
    const entry = this.entries.find((e) => e.jwk.kid === kid);
    if (!entry || !entry.file) throw new KeyNotFoundError(`no key ${kid}`);
    if (this.isRetired(entry, now)) return this.describe(entry);
    const othersActive = this.entries.some((e) => e !== entry && e.jwk.alg === entry.jwk.alg && this.isActive(e, now));
    if (!othersActive) throw new KeyInUseError(`${kid} is the last active ${entry.jwk.alg} key`);
    // A pending key (not yet past its not_before) never signed anything.
    if (!options.force && this.isActive(entry, now)) {
      const lastSigned = this.signedUntil(entry, now);
      const safeAfter = new Date(lastSigned + (options.reloadIntervalMs ?? 0) + options.tokenLifetimeSeconds * 1000);
      if (safeAfter.getTime() > now) {
        throw new KeyMayStillVerifyError(
          `${kid} may have signed tokens until ${new Date(lastSigned).toISOString()}; with tokens living up to ${options.tokenLifetimeSeconds} s ` +
            `some may be valid until ${safeAfter.toISOString()}. Retire it after that, or force it (those tokens stop verifying at once)`,
          safeAfter,
        );
      }
    }
    const retired: StoredPrivateJwk = { ...entry.jwk, retired_at: this.options.clock.now().toISOString() };
    await writePrivateFileAtomic(entry.file, `${JSON.stringify(retired, null, 2)}\n`);
    await this.reload();
    return this.describe(this.entries.find((e) => e.jwk.kid === kid) ?? entry);
  }

  /** Every key with its rotation status, newest first per algorithm (for an operator command). */
  list(): KeyInfo[] {
    return ASYMMETRIC_ALGS.flatMap((alg) => this.entries.filter((e) => e.jwk.alg === alg).map((e) => this.describe(e)));
  }

  /** Re-reads the directory (no-op for provided keys). Concurrent calls share one read. */
  async reload(): Promise<void> {
    if (this.source === 'provided') return;
    this.pendingReload ??= this.loadDirectory().finally(() => {
      this.pendingReload = undefined;
    });
    return this.pendingReload;
  }

  private nowMs(): number {
    return this.options.clock.now().getTime();
  }

  private isRetired(e: Entry, now: number): boolean {
    const retiredAt = dateMs(e.jwk.retired_at);
    return retiredAt !== undefined && retiredAt <= now;
  }

  private isActive(e: Entry, now: number): boolean {
    const notBefore = dateMs(e.jwk.not_before);
    return !this.isRetired(e, now) && (notBefore === undefined || notBefore <= now);
  }

  /**
   * The last instant `entry` may have signed: when the first newer key of its
   * algorithm became active (now, if none has: it still signs or is next in line).
   */
  private signedUntil(entry: Entry, now: number): number {
    const newer = this.entries.slice(0, this.entries.indexOf(entry)).filter((e) => e.jwk.alg === entry.jwk.alg && this.isActive(e, now));
    if (newer.length === 0) return now;
    return Math.min(...newer.map((e) => Math.max(dateMs(e.jwk.created_at) ?? now, dateMs(e.jwk.not_before) ?? -Infinity)));
  }

  private signingEntry(alg: AsymmetricAlg, now: number): Entry | undefined {
    return this.entries.find((e) => e.jwk.alg === alg && this.isActive(e, now));
  }

  private findVerificationKey(kid: string): VerificationKey | undefined {
    const entry = this.entries.find((e) => e.jwk.kid === kid && !this.isRetired(e, this.nowMs()));
    return entry && { kid, alg: entry.jwk.alg, publicKey: entry.publicKey };
  }

  private describe(e: Entry): KeyInfo {
    const now = this.nowMs();
    const status: KeyStatus = this.isRetired(e, now)
      ? 'retired'
      : !this.isActive(e, now)
        ? 'pending'
        : this.signingEntry(e.jwk.alg, now) === e
          ? 'signing'
          : 'active';
    const info: KeyInfo = { kid: e.jwk.kid, alg: e.jwk.alg, status };
    if (e.jwk.created_at !== undefined) info.createdAt = e.jwk.created_at;
    if (e.jwk.not_before !== undefined) info.notBefore = e.jwk.not_before;
    if (e.jwk.retired_at !== undefined) info.retiredAt = e.jwk.retired_at;
    return info;
  }

  /** Algorithms without a non-retired key in the directory: generated on first start. */
  private missingAlgs(): AsymmetricAlg[] {
    const now = this.nowMs();
    return ASYMMETRIC_ALGS.filter((alg) => !this.entries.some((e) => e.jwk.alg === alg && !this.isRetired(e, now)));
  }

  private assertWritable(): void {
    if (this.source === 'provided') {
      throw new KeyStoreReadOnlyError('signing keys come from SIGNING_KEYS / SIGNING_KEYS_FILE; rotate them there');
    }
  }

  private setEntries(entries: Entry[]): void {
    checkUniqueKids(entries);
    this.entries = entries.sort(newestFirst);
  }

  private async loadDirectory(): Promise<void> {
    const names = (await readdir(this.options.dir)).filter((n) => n.endsWith(KEY_FILE_SUFFIX) && !n.startsWith('.')).sort();
    const entries: Entry[] = [];
    for (const name of names) {
      const file = join(this.options.dir, name);
      const jwk = await parsePrivateJwk(parseJson(await readFile(file, 'utf8'), name), name);
      entries.push(await toEntry(jwk, 0, file));
    }
    this.setEntries(entries);
    this.lastReloadMs = Date.now();
  }

  private async loadProvided(): Promise<void> {
    const where = this.options.keysJson !== undefined ? 'SIGNING_KEYS' : `SIGNING_KEYS_FILE ${this.options.keysFile}`;
    const text = this.options.keysJson ?? (await readFile(this.options.keysFile as string, 'utf8'));
    const parsed = parseJson(text, where);
    const list: unknown =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { keys?: unknown }).keys : parsed;
    if (!Array.isArray(list) || list.length === 0) {
      throw new KeyStoreInvalidError(`${where}: expected a JWKS {"keys": [...]} with at least one private key`);
    }
    const entries: Entry[] = [];
    for (const [index, value] of list.entries()) {
      entries.push(await toEntry(await parsePrivateJwk(value, `${where} key ${index}`), index));
    }
    this.setEntries(entries);
    // Access tokens are RS256 (F8) and RS256 is every client's default (F7).
    if (!this.signingEntry('RS256', this.nowMs())) {
      throw new KeyStoreInvalidError(`${where}: at least one active RS256 key is required`);
    }
  }
}
