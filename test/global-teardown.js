// Releases this Jest run's lease on the test Kafka broker (see global-setup.js).
// The broker stops only when a test run started it and no other live run still
// holds a lease; a broker started by hand (`npm run kafka:start`) or named by
// KAFKA_BROKERS keeps running.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, '..', 'tools', 'kafka', 'kafka.mjs');

module.exports = async () => {
  if (!process.env.__KAFKA_BROKERS_FROM_SETUP) return;
  // Both the int and the e2e project run this hook; the first release stops the broker (if ours), the second is a no-op.
  execFileSync(process.execPath, [script, 'release', '--lease', String(process.pid)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 60_000,
  });
};
