#!/usr/bin/env node
// The `sibyl` executable: runs the compiled CLI (npm run build writes dist/).
import { main } from '../dist/src/tools/cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sibyl: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
