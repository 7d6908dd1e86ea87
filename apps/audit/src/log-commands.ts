import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  checkExtension,
  formatInclusionProofFile,
  inclusionProof,
  LogInconsistentError,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusionProofFile,
  parseCheckpoint,
  parseNote,
  verifyCosignatures,
  type NoteVerifier,
} from '@app/transparency-log';
import type { EventStore } from '@app/event-store';
import { compareWithRebuiltTree, listedVerifiers, TreeStore, TREE_FILE_NAME, CHECKPOINT_FILE_NAME } from '@app/verifiable-log';
import { messageOf } from '@app/shared';
import { existingDataDir } from '@app/process';
import type { CliIo } from './cli';
import { loadWitnessKey, startWitnessServer } from './witness';
import { monitorTopic } from './monitor-topic';

export const LOG_USAGE = `verifiable log commands (they need no event store):
  checkpoint [--verifier-key] --url URL [--token TOKEN]
      print the latest signed checkpoint (or the verifier keys) from the service
  prove EVENT_ID [--out FILE]
      on the host: an offline proof file (C2SP tlog-proof) that the event is in
      the latest signed checkpoint, read from DATA_DIR
  verify-proof FILE (--verifier-key KEY | --verifier-key-file FILE)
      verify a proof file with nothing but the verifier key; prints the leaf
  monitor --state DIR --url URL [--token TOKEN] [--verifier-key KEY] [--once] [--interval-ms N] [--kafka BROKERS]
      keep the last verified checkpoint in DIR and check each new one by a
      consistency proof; exits 1 on a fork, rewrite or truncation, printing
      both signed notes. The first run pins the verifier key (or give it).
      --kafka: check every checkpoint published to refresh-token.audit-checkpoints,
      in order, from where the last run stopped (proofs still from --url);
      with --once, stop at the end of the topic.
  witness --state DIR --key-file FILE [--name NAME] --log-key KEY [--log-key KEY…] [--port N] [--host H]
      run a C2SP tlog-witness: POST /add-checkpoint cosigns (tlog-cosignature/v1)
      a checkpoint of a log whose key is given only when it extends, by a valid
      consistency proof, the last one it cosigned for that log (kept in DIR);
      409 with that size otherwise. The key file is generated under --name if
      absent. Prints its verifier key; runs until SIGTERM or SIGINT.
  cosign --witness URL --url URL [--token TOKEN] [--witness-key KEY] [--out FILE]
      submit the service's latest checkpoint to a witness, with a consistency
      proof from the last one it cosigned; prints the checkpoint with the
      witness's cosignature appended (checked with --witness-key if given).
      Exits 1 when the witness refuses it.

  --url is the service's base URL (AUDIT_URL); --token a management token with
  read:audit (AUDIT_TOKEN). Exit codes: 0 ok, 1 verification failed, 2 usage, 3 failure.
`;

const COMMANDS = new Set(['checkpoint', 'prove', 'verify-proof', 'monitor', 'witness', 'cosign']);

class LogUsageError extends Error {}

/** Runs a verifiable-log command; undefined when `command` is not one (the caller dispatches the others). */
export async function runLogCommand(command: string, args: string[], io: CliIo): Promise<number | undefined> {
  if (!COMMANDS.has(command)) return undefined;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(LOG_USAGE);
    return 0;
  }
  try {
    return await run(command, args, io);
  } catch (error) {
    if (error instanceof LogUsageError) {
      io.stderr.write(`audit: ${error.message}\n\n${LOG_USAGE}`);
      return 2;
    }
    const code = typeof error === 'object' && error !== null && 'code' in error ? ` [${String(error.code)}]` : '';
    const verifyFailed = code.includes('TLOG_PROOF_INVALID') || code.includes('TLOG_SIGNATURE_INVALID') || code.includes('TLOG_NOT_SIGNED');
    io.stderr.write(`audit: ${command} failed${code}: ${messageOf(error)}\n`);
    return verifyFailed ? 1 : 3;
  }
}

function options<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], spec: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length !== positionals) throw new Error(`expected ${positionals} argument(s)`);
    return parsed;
  } catch (error) {
    throw new LogUsageError(messageOf(error));
  }
}

async function run(command: string, args: string[], io: CliIo): Promise<number> {
  const http = { url: { type: 'string' as const }, token: { type: 'string' as const } };
  switch (command) {
    case 'checkpoint': {
      const { values } = options(args, { ...http, 'verifier-key': { type: 'boolean' } });
      const client = service(values, io.env);
      io.stdout.write(await client.text(values['verifier-key'] ? 'verifier-key' : 'checkpoint'));
      return 0;
    }
    case 'prove': {
      const { values, positionals } = options(args, { out: { type: 'string' } }, 1);
      const dataDir = existingDataDir(io.env.DATA_DIR ?? './data');
      const checkpoint = readFileSync(join(dataDir, CHECKPOINT_FILE_NAME), 'utf8');
      const tree = new TreeStore(join(dataDir, TREE_FILE_NAME));
      try {
        const { size } = openCheckpoint(checkpoint, listedVerifiers(join(dataDir, 'keys')));
        const index = tree.leafIndexOf(positionals[0]);
        if (index === undefined || index >= size) throw new LogUsageError(`event ${positionals[0]} is not in the latest checkpoint (${size} events)`);
        const file = formatInclusionProofFile({ leafData: tree.leaf(index)!.data, index, hashes: inclusionProof(tree, index, size), checkpoint });
        if (values.out) writeFileSync(values.out, file);
        else io.stdout.write(file);
        return 0;
      } finally {
        tree.close();
      }
    }
    case 'verify-proof': {
      const { values, positionals } = options(args, { 'verifier-key': { type: 'string' }, 'verifier-key-file': { type: 'string' } }, 1);
      const verifiers = verifierKeys(values['verifier-key'], values['verifier-key-file']);
      if (verifiers.length === 0) throw new LogUsageError('verify-proof needs --verifier-key or --verifier-key-file');
      const { proof, checkpoint } = verifyInclusionProofFile(readFileSync(positionals[0], 'utf8'), verifiers);
      io.stdout.write(`OK: leaf ${proof.index} is in ${checkpoint.origin} at size ${checkpoint.size}\n${proof.leafData.toString('utf8')}\n`);
      return 0;
    }
    case 'monitor': {
      const { values } = options(args, { ...http, state: { type: 'string' }, 'verifier-key': { type: 'string' }, once: { type: 'boolean' }, 'interval-ms': { type: 'string' }, kafka: { type: 'string' } });
      if (!values.state) throw new LogUsageError('monitor needs --state DIR');
      if (values.kafka !== undefined) {
        const brokers = values.kafka.split(',').filter((b) => b.trim().length > 0);
        if (brokers.length === 0) throw new LogUsageError('--kafka needs BROKERS (host:port,…)');
        const monitor = new Monitor(values.state, service(values, io.env), io);
        return monitorTopic({ monitor, brokers, stateDir: values.state, verifierKey: values['verifier-key'], once: values.once ?? false });
      }
      const intervalMs = Number(values['interval-ms'] ?? 10_000);
      if (!Number.isSafeInteger(intervalMs) || intervalMs < 100) throw new LogUsageError('--interval-ms must be an integer ≥ 100');
      const monitor = new Monitor(values.state, service(values, io.env), io);
      for (;;) {
        const code = await monitor.check(values['verifier-key']);
        if (code !== 0 || values.once) return code;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }
    case 'witness': {
      const { values } = options(args, {
        state: { type: 'string' },
        'key-file': { type: 'string' },
        name: { type: 'string' },
        'log-key': { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
      });
      if (!values.state || !values['key-file'] || !values['log-key']?.length) throw new LogUsageError('witness needs --state, --key-file and at least one --log-key');
      const port = Number(values.port ?? 0);
      if (!Number.isSafeInteger(port) || port < 0 || port > 65535) throw new LogUsageError('--port must be a port number');
      const cosigner = loadWitnessKey(values['key-file'], values.name);
      const server = await startWitnessServer({
        stateDir: values.state,
        cosigner,
        logs: values['log-key'].map(parseVerifierKey),
        port,
        host: values.host ?? '127.0.0.1',
        onError: (error) => io.stderr.write(`audit witness: ${messageOf(error)}\n`),
      });
      io.stdout.write(`witness ${cosigner.verifierKey}\nlistening on ${server.url}add-checkpoint\n`);
      await new Promise((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await server.close();
      return 0;
    }
    case 'cosign': {
      const { values } = options(args, { ...http, witness: { type: 'string' }, 'witness-key': { type: 'string' }, out: { type: 'string' } });
      if (!values.witness) throw new LogUsageError('cosign needs --witness URL');
      const cosigned = await cosign(service(values, io.env), values.witness, values['witness-key']);
      if (typeof cosigned === 'number') {
        io.stderr.write(`audit cosign: the witness refused the checkpoint (${cosigned})\n`);
        return 1;
      }
      if (values.out) writeFileSync(values.out, cosigned);
      else io.stdout.write(cosigned);
      return 0;
    }
    default:
      throw new LogUsageError(`unknown command "${command}"`);
  }
}

function verifierKeys(key: string | undefined, file: string | undefined): NoteVerifier[] {
  const lines = [...(key ? [key] : []), ...(file ? readFileSync(file, 'utf8').split('\n') : [])];
  return lines.filter((line) => line.trim().length > 0).map(parseVerifierKey);
}

interface LogService {
  text(path: string): Promise<string>;
  json<T>(path: string): Promise<T>;
}

function service(values: { url?: string; token?: string }, env: NodeJS.ProcessEnv): LogService {
  const base = values.url ?? env.AUDIT_URL;
  if (!base) throw new LogUsageError('--url (or AUDIT_URL) is needed');
  const token = values.token ?? env.AUDIT_TOKEN;
  const get = async (path: string): Promise<string> => {
    const response = await fetch(new URL(`api/v2/audit/${path}`, base.endsWith('/') ? base : `${base}/`), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${body.slice(0, 300)}`);
    return body;
  };
  return { text: get, json: async <T>(path: string) => JSON.parse(await get(path)) as T };
}

/**
 * C2SP tlog-witness client: asks with `old 0` first; a 409 names the size the
 * witness cosigned last, so the second request carries the consistency proof
 * from it. The cosigned checkpoint, or the witness's refusal status.
 */
async function cosign(log: LogService, witnessUrl: string, witnessKey: string | undefined): Promise<string | number> {
  const note = await log.text('checkpoint');
  // The witness checks the log's signature; the size is all the client needs.
  const { size } = parseCheckpoint(parseNote(note).text);
  const submit = (old: number, proof: string[]) =>
    fetch(new URL('add-checkpoint', witnessUrl.endsWith('/') ? witnessUrl : `${witnessUrl}/`), { method: 'POST', body: `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${note}` });
  let response = await submit(0, []);
  if (response.status === 409 && response.headers.get('content-type')?.startsWith('text/x.tlog.size')) {
    const old = Number((await response.text()).trim());
    if (!Number.isSafeInteger(old) || old > size) return 409;
    const proof = old === 0 ? [] : (await log.json<{ hashes: string[] }>(`proofs/consistency?first=${old}&second=${size}`)).hashes;
    response = await submit(old, proof);
  }
  const body = await response.text();
  if (response.status !== 200) return response.status;
  if (witnessKey && verifyCosignatures(note + body, [parseVerifierKey(witnessKey)]).length === 0) throw new Error('the witness answered no cosignature by the given key');
  return note + body;
}

/** Holds the last verified checkpoint and the pinned verifier keys in its state directory. */
export class Monitor {
  private readonly checkpointFile: string;
  private readonly keysFile: string;

  constructor(
    dir: string,
    private readonly service: LogService,
    private readonly io: CliIo,
  ) {
    mkdirSync(dir, { recursive: true });
    this.checkpointFile = join(dir, 'checkpoint');
    this.keysFile = join(dir, 'verifier-keys');
  }

  /** Checks `published` (a checkpoint read from the topic), else the service's latest. */
  async check(givenKey: string | undefined, published?: string): Promise<number> {
    if (!existsSync(this.keysFile)) this.save(this.keysFile, givenKey ? `${givenKey.trim()}\n` : await this.service.text('verifier-key'));
    const verifiers = verifierKeys(undefined, this.keysFile);
    const latest = published ?? (await this.service.text('checkpoint'));
    const next = openCheckpoint(latest, verifiers);
    if (!existsSync(this.checkpointFile)) {
      this.save(this.checkpointFile, latest);
      this.io.stdout.write(`pinned ${next.origin} at size ${next.size}\n`);
      return 0;
    }
    const held = readFileSync(this.checkpointFile, 'utf8');
    const heldSize = openCheckpoint(held, verifiers).size;
    const proof =
      next.size > heldSize && heldSize > 0
        ? (await this.service.json<{ hashes: string[] }>(`proofs/consistency?first=${heldSize}&second=${next.size}`)).hashes.map((h) => Buffer.from(h, 'base64'))
        : [];
    try {
      checkExtension(held, latest, proof, verifiers);
    } catch (error) {
      if (!(error instanceof LogInconsistentError)) throw error;
      this.io.stderr.write(`audit monitor: ${error.kind.toUpperCase()}: ${error.message}\n\nheld checkpoint:\n${held}\nnew checkpoint:\n${latest}`);
      return 1;
    }
    if (next.size !== heldSize) this.save(this.checkpointFile, latest);
    this.io.stdout.write(`ok: ${next.origin} at size ${next.size} extends the held size ${heldSize}\n`);
    return 0;
  }

  private save(file: string, text: string): void {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
}

/**
 * `audit verify`'s added step: when DATA_DIR holds the verifiable log,
 * rebuild the tree from the log and compare it with every stored signed
 * checkpoint. True when there is nothing to compare or every one matches.
 */
export async function verifyStoredCheckpoints(store: EventStore, dataDir: string, report: (line: string) => void): Promise<boolean> {
  const treeFile = join(dataDir, TREE_FILE_NAME);
  if (!existsSync(treeFile)) return true;
  const tree = new TreeStore(treeFile);
  let notes: string[];
  try {
    notes = tree.checkpoints().map((c) => c.note);
  } finally {
    tree.close();
  }
  const latestFile = join(dataDir, CHECKPOINT_FILE_NAME);
  if (existsSync(latestFile)) notes.push(readFileSync(latestFile, 'utf8'));
  const { size, comparisons } = await compareWithRebuiltTree(store, [...new Set(notes)], listedVerifiers(join(dataDir, 'keys')));
  const differing = comparisons.filter((c) => !c.matches);
  if (differing.length === 0) {
    report(`verifiable log: the tree rebuilt from the log (${size} events) matches all ${comparisons.length} signed checkpoints\n`);
    return true;
  }
  report(`verifiable log: the log no longer matches ${differing.length} of ${comparisons.length} signed checkpoints (first at size ${Math.min(...differing.map((c) => c.size))})\n`);
  return false;
}
