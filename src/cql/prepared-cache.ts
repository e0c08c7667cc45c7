/**
 * A bounded least-recently-used map, for prepared statements and parsed
 * statement text. Its bound is a named setting; eviction is silent because a
 * client that executes an evicted id gets Unprepared and prepares again.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly entriesMax: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    // Re-inserting moves the entry to the young end of Map's insertion order.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.entriesMax) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
