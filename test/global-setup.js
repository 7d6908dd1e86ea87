// Starts what the int and e2e tiers need: a real Kafka broker (tools/kafka/kafka.mjs),
// unless KAFKA_BROKERS already names one. Jest runs this in its parent process
// before any worker, so process.env set here reaches every test file.
//
// Both the int and the e2e project run this hook: starting is idempotent and the
// broker is shared through a lease (this Jest process's PID), so the second call
// costs one Metadata round trip. A broker that cannot start fails the run: the
// Kafka suites are never skipped (issue 4).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, '..', 'tools', 'kafka', 'kafka.mjs');

module.exports = async () => {
  if (process.env.KAFKA_BROKERS && process.env.__KAFKA_BROKERS_FROM_SETUP !== process.env.KAFKA_BROKERS) return;
  let out;
  try {
    out = execFileSync(process.execPath, [script, 'start', '--lease', String(process.pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 5 * 60_000,
    });
  } catch (error) {
    throw new Error(`the test Kafka broker did not start (needs Java 17+ and Maven; see the log above): ${error.message}`);
  }
  const { brokers } = JSON.parse(out.trim().split('\n').pop());
  process.env.KAFKA_BROKERS = brokers;
  // Marks KAFKA_BROKERS as ours, so the second project's hook renews the lease and teardown releases it.
  process.env.__KAFKA_BROKERS_FROM_SETUP = brokers;
};
