/**
 * Writes the CQL grammar as a railroad diagram page:
 *
 *   node dist/grammar/diagrams.js docs/grammar.html
 *
 * chevrotain's createSyntaxDiagramsCode emits a page that loads its scripts
 * and stylesheet from a CDN. The page is made self-contained by inlining the
 * same files, which chevrotain ships in node_modules/chevrotain/diagrams/, so
 * it opens offline and always matches the installed chevrotain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { cqlParser } from './index.js';

/** Where chevrotain keeps its diagram assets: `<package>/diagrams/`, beside `<package>/lib/src/api.js`. */
function diagramsDirectory(): string {
  const entry = fileURLToPath(import.meta.resolve('chevrotain'));
  return join(dirname(entry), '..', '..', 'diagrams');
}

/** Script text safe to place inside a <script> element. */
function inlineScript(source: string): string {
  return `<script>\n${source.replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

/** The diagram page with every CDN reference replaced by the file's contents. */
export function selfContainedDiagramsHtml(): string {
  const assets = diagramsDirectory();
  const base = 'https://assets.invalid/';
  let html = createSyntaxDiagramsCode(cqlParser().getSerializedGastProductions(), {
    resourceBase: base,
    css: `${base}diagrams.css`,
  });
  html = html.replace(
    `<link rel='stylesheet' href='${base}diagrams.css'>`,
    () => `<style>\n${readFileSync(join(assets, 'diagrams.css'), 'utf8')}\n</style>`,
  );
  html = html.replace(new RegExp(`<script src='${base}([^']+)'></script>`, 'g'), (_match, path: string) =>
    inlineScript(readFileSync(join(assets, path), 'utf8')),
  );
  if (/(?:src|href)\s*=\s*['"]?https?:/i.test(html) || html.includes(base)) {
    throw new Error('the diagram page still references an external asset');
  }
  return html.replace('<!DOCTYPE html>', '<!DOCTYPE html>\n<title>Sibyl CQL grammar</title>');
}

function main(argv: string[]): void {
  const target = argv[0];
  if (target === undefined) {
    process.stderr.write('usage: node dist/grammar/diagrams.js <output.html>\n');
    process.exitCode = 2;
    return;
  }
  writeFileSync(target, selfContainedDiagramsHtml());
  process.stdout.write(`wrote ${target}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2));
}
