import { existsSync, readFileSync, writeFileSync, appendFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { formatSignerKey, noteSigner, parseSignerKey, parseVerifierKey, type NoteSigner, type NoteVerifier } from '@app/transparency-log';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '@app/process';

export interface CheckpointKeyOptions {
  /** The key name in signature lines: the log's origin. */
  name: string;
  /** `CHECKPOINT_SIGNING_KEY`: a `PRIVATE+KEY+<name>+<id>+<base64>` string (Go sumdb/note format). */
  key?: string;
  /** `CHECKPOINT_SIGNING_KEY_FILE`: a file holding that string (a secret mounted for the relay alone). */
  keyFile?: string;
  /** Where a key is generated when neither is given, and where the verifier keys are listed: `DATA_DIR/keys`. */
  keysDir: string;
}

export const CHECKPOINT_KEY_FILE = 'checkpoint-signing.key';
export const CHECKPOINT_VERIFIERS_FILE = 'checkpoint-verifiers.txt';

/**
 * The checkpoint signer: its own Ed25519 key, never an id_token key. Given
 * by env or a file, else generated once into `keysDir` (0600). Every verifier
 * key ever used is kept in `checkpoint-verifiers.txt`, so checkpoints signed
 * before a rotation still verify.
 */
export function loadCheckpointSigner(options: CheckpointKeyOptions): { signer: NoteSigner; verifiers: NoteVerifier[] } {
  const given = options.key ?? (options.keyFile ? readFileSync(options.keyFile, 'utf8') : undefined);
  let signer: NoteSigner;
  if (given) {
    signer = parseSignerKey(given).signer;
  } else {
    const file = join(options.keysDir, CHECKPOINT_KEY_FILE);
    if (existsSync(file)) {
      signer = parseSignerKey(readFileSync(file, 'utf8')).signer;
    } else {
      mkdirSync(options.keysDir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const { privateKey } = generateKeyPairSync('ed25519');
      signer = noteSigner(options.name, privateKey);
      writeFileSync(file, `${formatSignerKey(signer, privateKey)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      chmodSync(file, PRIVATE_FILE_MODE);
    }
  }
  return { signer, verifiers: rememberVerifier(options.keysDir, signer) };
}

/** Every verifier key listed in `keysDir` (for readers that hold no private key). */
export function listedVerifiers(keysDir: string): NoteVerifier[] {
  const file = verifiersFile(keysDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => parseVerifierKey(line));
}

function verifiersFile(keysDir: string): string {
  return join(keysDir, CHECKPOINT_VERIFIERS_FILE);
}

function rememberVerifier(keysDir: string, signer: NoteSigner): NoteVerifier[] {
  const listed = listedVerifiers(keysDir);
  if (listed.some((v) => v.verifierKey === signer.verifierKey)) return listed;
  mkdirSync(keysDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  appendFileSync(verifiersFile(keysDir), `${signer.verifierKey}\n`, { mode: PRIVATE_FILE_MODE });
  return [...listed, parseVerifierKey(signer.verifierKey)];
}
