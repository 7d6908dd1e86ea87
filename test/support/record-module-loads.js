// `NODE_OPTIONS=--require test/support/record-module-loads.js` with RECORD_MODULE_LOADS_TO=<file>:
// when the process exits, writes the files it loaded (require.cache's keys, in the order they were first
// required) as a JSON array, so a test can tell which packages a real entry point loaded, and in what order.
// A `%p` in the file name is replaced by the process id (the processes of a cluster each write their own).
const fs = require('node:fs');

const target = process.env.RECORD_MODULE_LOADS_TO;
if (target) {
  process.once('exit', () => fs.writeFileSync(target.replace('%p', String(process.pid)), JSON.stringify(Object.keys(require.cache))));
}
