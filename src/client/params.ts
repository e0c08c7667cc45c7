/**
 * Bind values → bytes, typed by the prepared statement's parameters: by
 * position for an array, by name for an object. `undefined` (or a name the
 * object leaves out) is "unset": the column is left untouched.
 */
import type { BoundValue } from '../cql/processor.js';
import type { ColumnSpec } from '../cql/result.js';
import { ArgumentError } from './errors.js';
import { toBytes, type TypeCache } from './values.js';

export type Params = unknown[] | Record<string, unknown>;

export function hasParams(params: Params | undefined | null): params is Params {
  if (params === undefined || params === null) return false;
  if (Array.isArray(params)) return params.length > 0;
  // A lone value ('abc', 5) would otherwise be read as a string's indexes or as no values at all.
  if (typeof params !== 'object' || Buffer.isBuffer(params) || params instanceof Map || params instanceof Date) {
    throw new ArgumentError(`params must be an array (positional) or a plain object (named); got ${describeParams(params)}`);
  }
  return Object.keys(params).length > 0;
}

function describeParams(params: unknown): string {
  if (Buffer.isBuffer(params)) return 'a Buffer';
  if (params instanceof Map) return 'a Map';
  if (params instanceof Date) return 'a Date';
  return `${typeof params} ${typeof params === 'string' ? `'${params}'` : String(params)}`;
}

export function encodeParams(specs: ColumnSpec[], params: Params | undefined | null, types: TypeCache): BoundValue[] {
  const values = arrange(specs, params ?? []);
  return values.map((value, i) => {
    if (value === undefined) return undefined;
    if (value === null) return null;
    const spec = specs[i]!;
    return toBytes(types.get(spec.type), value, `column "${spec.name}"`);
  });
}

function arrange(specs: ColumnSpec[], params: Params): unknown[] {
  if (Array.isArray(params)) {
    if (params.length !== specs.length) {
      throw new ArgumentError(`The query has ${specs.length} parameter(s) but ${params.length} value(s) were given`);
    }
    return params;
  }
  const byName = new Map<string, unknown>();
  for (const [key, value] of Object.entries(params)) byName.set(key.toLowerCase(), value);
  const known = new Set(specs.map((s) => s.name.toLowerCase()));
  for (const key of byName.keys()) {
    if (!known.has(key)) throw new ArgumentError(`The query has no parameter named "${key}"`);
  }
  return specs.map((s) => byName.get(s.name.toLowerCase()));
}
