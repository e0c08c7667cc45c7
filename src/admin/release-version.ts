/**
 * The release a node runs, as `sibyltool version` and gossip report it: the
 * version in the package's own package.json, read once when this module
 * loads (from dist/src/admin/ or src/admin/, the package root is three or
 * two folders up).
 */
import { readFileSync } from 'node:fs';

function readReleaseVersion(): string {
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sibyl' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not at this level; try the next.
    }
  }
  return 'unknown';
}

export const RELEASE_VERSION: string = readReleaseVersion();
