#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft, no ZooKeeper) for tests, CI
// and local runs, without Docker: the broker's jars come from Maven Central
// through tools/kafka/pom.xml, the JVM runs detached, and its PID file lets
// `stop` end exactly that process.
//
//   node tools/kafka/kafka.mjs start [--lease <pid>]   broker on 127.0.0.1:${KAFKA_PORT:-9092}; returns once it answers Kafka requests
//   node tools/kafka/kafka.mjs stop                    stops it (SIGTERM, then SIGKILL after a grace period)
//   node tools/kafka/kafka.mjs release --lease <pid>   drops a lease; stops the broker when it was started for leases and none is left
//   node tools/kafka/kafka.mjs status                  prints running/stopped, exit code 0/1
//
// Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT + 1),
// KAFKA_RUNTIME_DIR (tools/kafka/.runtime/broker-<port>: data, logs, PID file),
// KAFKA_HEAP_OPTS (-Xmx512m -Xms128m), KAFKA_START_TIMEOUT_MS (90000).
//
// Leases: several Jest runs (or engineers) may share one broker. A test run
// that starts the broker takes a lease with its PID; `release` stops the
// broker only when it was started by a lease holder and no live holder is
// left, so one run's teardown never pulls the broker from under another.
// A broker started by hand (`npm run kafka:start`) is never stopped by tests.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const libsDir = path.join(here, 'target', 'libs');
const pomFile = path.join(here, 'pom.xml');

/** Broker settings from the environment. */
export function brokerConfig(env = process.env) {
  const port = Number(env.KAFKA_PORT ?? 9092);
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT ?? port + 1);
  const runtimeDir = path.resolve(env.KAFKA_RUNTIME_DIR ?? path.join(here, '.runtime', `broker-${port}`));
  return {
    port,
    controllerPort,
    runtimeDir,
    dataDir: path.join(runtimeDir, 'data'),
    pidFile: path.join(runtimeDir, 'broker.pid'),
    logFile: path.join(runtimeDir, 'broker.log'),
    propsFile: path.join(runtimeDir, 'server.properties'),
    log4jFile: path.join(runtimeDir, 'log4j.properties'),
    leasesDir: path.join(runtimeDir, 'leases'),
    startedForLeasesFile: path.join(runtimeDir, 'started-for-leases'),
    lockFile: path.join(runtimeDir, 'start.lock'),
    heapOpts: (env.KAFKA_HEAP_OPTS ?? '-Xmx512m -Xms128m').split(/\s+/).filter(Boolean),
    startTimeoutMs: Number(env.KAFKA_START_TIMEOUT_MS ?? 90_000),
    brokers: `127.0.0.1:${port}`,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (msg) => process.stderr.write(`[kafka] ${msg}\n`);

// ---------------------------------------------------------------- jars

/** Copies the broker's jars with Maven unless target/libs already matches pom.xml (then it costs nothing). */
function ensureJars() {
  const stamp = path.join(libsDir, '.pom-sha256');
  const want = createHash('sha256').update(fs.readFileSync(pomFile)).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  say('fetching the broker jars with Maven (cached in ~/.m2 after the first time)...');
  fs.rmSync(libsDir, { recursive: true, force: true });
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies'], { encoding: 'utf8' });
  if (mvn.error) throw new Error(`cannot run Maven (${mvn.error.message}); the test broker needs Java 17+ and Maven on PATH`);
  if (mvn.status !== 0) throw new Error(`Maven failed (exit ${mvn.status}):\n${mvn.stdout}\n${mvn.stderr}`);
  fs.writeFileSync(stamp, want);
}

// ---------------------------------------------------------------- processes

/** True when `pid` is a live (not zombie) process. A detached child of an exited parent may linger as a zombie where PID 1 does not reap. */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** The PID of this broker when its PID file names a live process that is our broker (guards against a reused PID). */
function runningPid(cfg) {
  let pid;
  try {
    pid = Number(fs.readFileSync(cfg.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('kafka.Kafka') || !cmdline.includes(cfg.propsFile)) return undefined;
  } catch {
    // no /proc: trust the PID file
  }
  return pid;
}

/** Resolves true once the broker answers a Metadata request (a real Kafka round trip, not just an open port). */
async function answersKafka(brokers, timeoutMs = 2000) {
  const kafka = new Kafka({
    clientId: 'kafka-script',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function logTail(cfg, lines = 40) {
  try {
    return fs.readFileSync(cfg.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no broker log)';
  }
}

// ---------------------------------------------------------------- start

function writeConfig(cfg) {
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${cfg.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${cfg.port},CONTROLLER://127.0.0.1:${cfg.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${cfg.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': cfg.dataDir,
    'num.partitions': '3',
    'auto.create.topics.enable': 'true',
    // One node: every replicated internal topic has one replica.
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'min.insync.replicas': '1',
    'default.replication.factor': '1',
    // Tests join consumer groups constantly: no 3 s wait for more members.
    'group.initial.rebalance.delay.ms': '0',
    'log.retention.hours': '24',
  };
  fs.writeFileSync(cfg.propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  fs.writeFileSync(
    cfg.log4jFile,
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=INFO',
      'log4j.logger.state.change.logger=WARN',
      'log4j.logger.kafka.request.logger=WARN',
      '',
    ].join('\n'),
  );
}

function java(cfg, mainClass, args, stdio) {
  return spawn(
    'java',
    [
      ...cfg.heapOpts,
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${cfg.log4jFile}`,
      '-cp',
      path.join(libsDir, '*'),
      mainClass,
      ...args,
    ],
    stdio,
  );
}

/** Formats the KRaft storage once (meta.properties present: already formatted, keep the data). */
async function formatStorage(cfg) {
  if (fs.existsSync(path.join(cfg.dataDir, 'meta.properties'))) return;
  // A Kafka cluster id is a base64url UUID of 16 random bytes.
  const clusterId = randomBytes(16).toString('base64url');
  const child = java(cfg, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', cfg.propsFile, '--ignore-formatted'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`kafka-storage format failed (exit ${code}):\n${out}`);
}

/** Takes the start lock (so two concurrent starts do not race to launch two JVMs); a lock of a dead holder is stale. */
async function withStartLock(cfg, fn) {
  const deadline = Date.now() + cfg.startTimeoutMs + 30_000;
  for (;;) {
    try {
      fs.writeFileSync(cfg.lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(cfg.lockFile, 'utf8'));
      if (!isAlive(holder)) fs.rmSync(cfg.lockFile, { force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the start lock held by ${holder}`);
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(cfg.lockFile, { force: true });
  }
}

/**
 * Starts the broker unless it already runs; resolves once it answers Kafka
 * requests. With `lease`, records that PID as a user of the broker.
 * @returns {{ brokers: string, pid: number | undefined, started: boolean, ms: number }}
 */
export async function start(cfg = brokerConfig(), { lease } = {}) {
  const t0 = Date.now();
  fs.mkdirSync(cfg.runtimeDir, { recursive: true });
  const result = await withStartLock(cfg, async () => {
    const pid = runningPid(cfg);
    if (pid !== undefined) {
      await waitUntilReady(cfg, pid);
      return { pid, started: false };
    }
    if (await answersKafka(cfg.brokers, 1000)) {
      // Someone else's broker (not ours, no PID file) already serves this port: use it, never stop it.
      return { pid: undefined, started: false };
    }
    ensureJars();
    writeConfig(cfg);
    await formatStorage(cfg);
    const log = fs.openSync(cfg.logFile, 'a');
    const child = java(cfg, 'kafka.Kafka', [cfg.propsFile], { detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref();
    fs.writeFileSync(cfg.pidFile, String(child.pid));
    if (lease !== undefined) fs.writeFileSync(cfg.startedForLeasesFile, String(child.pid));
    else fs.rmSync(cfg.startedForLeasesFile, { force: true });
    await waitUntilReady(cfg, child.pid);
    return { pid: child.pid, started: true };
  });
  if (lease !== undefined) {
    fs.mkdirSync(cfg.leasesDir, { recursive: true });
    fs.writeFileSync(path.join(cfg.leasesDir, String(lease)), '');
  }
  return { brokers: cfg.brokers, ...result, ms: Date.now() - t0 };
}

async function waitUntilReady(cfg, pid) {
  const deadline = Date.now() + cfg.startTimeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`the Kafka broker (pid ${pid}) exited while starting; log tail:\n${logTail(cfg)}`);
    if (await answersKafka(cfg.brokers)) return;
    await sleep(250);
  }
  await killAndWait(pid, 10_000);
  throw new Error(`the Kafka broker did not answer on ${cfg.brokers} within ${cfg.startTimeoutMs} ms; log tail:\n${logTail(cfg)}`);
}

// ---------------------------------------------------------------- stop

async function killAndWait(pid, graceMs) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    while (isAlive(pid)) await sleep(50);
  }
}

/** Stops this broker by its PID file (a controlled shutdown, SIGKILL after 20 s). No-op when it is not running. */
export async function stop(cfg = brokerConfig()) {
  const pid = runningPid(cfg);
  if (pid !== undefined) await killAndWait(pid, 20_000);
  fs.rmSync(cfg.pidFile, { force: true });
  fs.rmSync(cfg.startedForLeasesFile, { force: true });
  fs.rmSync(cfg.leasesDir, { recursive: true, force: true });
  return { stopped: pid !== undefined, pid };
}

/** Drops a lease; stops the broker when leases started it and no live lease holder is left. */
export async function release(cfg = brokerConfig(), { lease }) {
  fs.rmSync(path.join(cfg.leasesDir, String(lease)), { force: true });
  const live = fs.existsSync(cfg.leasesDir)
    ? fs.readdirSync(cfg.leasesDir).filter((name) => {
        if (isAlive(Number(name))) return true;
        fs.rmSync(path.join(cfg.leasesDir, name), { force: true });
        return false;
      })
    : [];
  if (live.length > 0 || !fs.existsSync(cfg.startedForLeasesFile)) return { stopped: false };
  return withStartLock(cfg, () => stop(cfg));
}

// ---------------------------------------------------------------- CLI

async function main(argv) {
  const [command, ...rest] = argv;
  const leaseAt = rest.indexOf('--lease');
  const lease = leaseAt >= 0 ? Number(rest[leaseAt + 1]) : undefined;
  const cfg = brokerConfig();
  switch (command) {
    case 'start': {
      const r = await start(cfg, { lease });
      say(`${r.started ? 'started' : 'already running'}: ${r.brokers} (pid ${r.pid ?? 'external'}, ${r.ms} ms)`);
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    case 'stop': {
      const r = await stop(cfg);
      say(r.stopped ? `stopped pid ${r.pid}` : 'not running');
      return 0;
    }
    case 'release': {
      if (lease === undefined) throw new Error('release needs --lease <pid>');
      const r = await release(cfg, { lease });
      if (r.stopped) say(`stopped pid ${r.pid} (last lease released)`);
      return 0;
    }
    case 'fetch': {
      // CI runs this first, so a Maven download failure is named as such.
      ensureJars();
      say(`broker jars ready in ${libsDir}`);
      return 0;
    }
    case 'status': {
      const pid = runningPid(cfg);
      say(pid !== undefined ? `running: ${cfg.brokers} (pid ${pid})` : 'stopped');
      return pid !== undefined ? 0 : 1;
    }
    default:
      say('usage: kafka.mjs fetch | start [--lease <pid>] | stop | release --lease <pid> | status');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      say(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
