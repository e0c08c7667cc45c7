import type { SchemaStore } from '../../../src/cql/schema-catalog.js';

/** An in-memory SchemaStore for catalog tests; `entries` shows what was persisted. */
export class MemorySchemaStore implements SchemaStore {
  readonly entries = new Map<string, Buffer>();
  async getMeta(key: string): Promise<Buffer | undefined> {
    return this.entries.get(key);
  }
  async putMeta(key: string, value: Buffer): Promise<void> {
    this.entries.set(key, value);
  }
  async deleteMeta(key: string): Promise<void> {
    this.entries.delete(key);
  }
  async listMeta(prefix: string): Promise<[string, Buffer][]> {
    return [...this.entries].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
  }
}
