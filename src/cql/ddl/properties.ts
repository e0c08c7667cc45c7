/**
 * Reading `WITH name = value` properties: the parser keeps values as Terms,
 * DDL needs strings, integers, booleans and string maps from them.
 */
import type { Property, Term } from '../../../grammar/ast.js';
import { InvalidRequestError } from '../../util/errors.js';

/** The properties by name, rejecting duplicates and names outside `known`. */
export function propertyMap(properties: Property[], known: readonly string[]): Map<string, Term> {
  const out = new Map<string, Term>();
  for (const p of properties) {
    const name = p.name.toLowerCase();
    if (!known.includes(name)) throw new InvalidRequestError(`Unknown property '${p.name}'`);
    if (out.has(name)) throw new InvalidRequestError(`Multiple definition for property '${name}'`);
    out.set(name, p.value);
  }
  return out;
}

export function propertyString(name: string, term: Term): string {
  if (term.kind === 'constant') return term.text;
  throw new InvalidRequestError(`Invalid value for property '${name}': expected a string`);
}

export function propertyInt(name: string, term: Term): number {
  const text = propertyString(name, term);
  if (!/^-?\d+$/.test(text)) throw new InvalidRequestError(`Invalid value for property '${name}': ${text} is not an integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidRequestError(`Invalid value for property '${name}': ${text} is too large`);
  return value;
}

export function propertyBoolean(name: string, term: Term): boolean {
  const text = propertyString(name, term).toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InvalidRequestError(`Invalid value for property '${name}': expected true or false, got ${text}`);
}

/** A map of string keys to string values (`replication = {'class': ..., 'dc1': 3}`). */
export function propertyStringMap(name: string, term: Term): Map<string, string> {
  if (term.kind !== 'map') throw new InvalidRequestError(`Invalid value for property '${name}': expected a map`);
  const out = new Map<string, string>();
  for (const [k, v] of term.entries) {
    if (k.kind !== 'constant' || v.kind !== 'constant') {
      throw new InvalidRequestError(`Invalid value for property '${name}': keys and values must be constants`);
    }
    out.set(k.text, v.text);
  }
  return out;
}
