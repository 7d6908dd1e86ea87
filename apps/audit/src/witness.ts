import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { addCheckpoint, ALG_COSIGNATURE_V1, formatSignerKey, noteSigner, parseSignerKey, type NoteSigner, type NoteVerifier, type WitnessState } from '@app/transparency-log';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '@app/process';

/** The latest cosigned checkpoint of each origin, one file each, replaced atomically. */
export function directoryWitnessState(dir: string): WitnessState {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = (origin: string): string => join(dir, `${encodeURIComponent(origin)}.checkpoint`);
  return {
    latest: (origin) => (existsSync(file(origin)) ? readFileSync(file(origin), 'utf8') : undefined),
    save(origin, note) {
      writeFileSync(`${file(origin)}.tmp`, note, { mode: PRIVATE_FILE_MODE });
      renameSync(`${file(origin)}.tmp`, file(origin));
    },
  };
}

export interface WitnessServer {
  /** `http://host:port/`: the submission prefix. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * C2SP tlog-witness over HTTP: `POST /add-checkpoint` only. Requests are
 * handled one at a time (the check and the save run with nothing awaited in
 * between), so two submissions cannot roll the state back.
 */
export async function startWitnessServer(options: { stateDir: string; cosigner: NoteSigner; logs: readonly NoteVerifier[]; port: number; host: string; onError?: (error: unknown) => void }): Promise<WitnessServer> {
  const state = directoryWitnessState(options.stateDir);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/add-checkpoint') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const answer = addCheckpoint(Buffer.concat(chunks).toString('utf8'), { logs: options.logs, cosigner: options.cosigner, state });
        res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
      } catch (error) {
        options.onError?.(error);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The witness's cosignature/v1 key: read from `file` (a PRIVATE+KEY string, type 0x04), or generated there once (0600) under `name`. */
export function loadWitnessKey(file: string, name: string | undefined): NoteSigner {
  if (existsSync(file)) {
    const { signer } = parseSignerKey(readFileSync(file, 'utf8'));
    if (signer.type !== ALG_COSIGNATURE_V1) throw new Error(`${file} is not a cosignature/v1 key (type 0x04)`);
    return signer;
  }
  if (!name) throw new Error(`${file} does not exist: give --name to generate the witness key`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = noteSigner(name, privateKey, ALG_COSIGNATURE_V1);
  writeFileSync(file, `${formatSignerKey(signer, privateKey)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  return signer;
}
