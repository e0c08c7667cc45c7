/** Bytes a directory tree occupies (the files' sizes), as `Load` in status and info. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function directoryBytes(path: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    // A directory that is gone (or not yet created) holds nothing.
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(full);
    else if (entry.isFile()) total += await stat(full).then((s) => s.size, () => 0);
  }
  return total;
}
