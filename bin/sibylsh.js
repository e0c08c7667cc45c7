#!/usr/bin/env node
// The `sibylsh` executable: runs the compiled shell (npm run build writes dist/).
import { main } from '../dist/shell/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`sibylsh: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
