#!/usr/bin/env node
// The `sibyltool` executable: runs the compiled admin CLI (npm run build writes dist/).
import { main } from '../dist/src/tools/sibyltool/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sibyltool: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
