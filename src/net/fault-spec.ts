/**
 * The text form of a fault rule, as an operator types it after
 * `sibyltool faults`:
 *
 *   drop MUTATION from 127.0.0.1:7000 to 127.0.0.2:7000
 *   delay READ 200ms to 127.0.0.3:7000
 *   drop * from 127.0.0.2
 *
 * Grammar: `drop|delay VERB|* [DURATION] [from ENDPOINT|*] [to ENDPOINT|*]`,
 * with a duration (`200ms`, `2s`, or bare milliseconds) required for delay and
 * refused for drop; `from` and `to` in either order, each at most once, `*`
 * when left out. An endpoint without a port gets the default internode port.
 * Pure: parsing and formatting only; the filter lives in faults.ts.
 */
import { InvalidRequestError } from '../util/errors.js';
import type { FaultRule } from './faults.js';
import { isVerbName } from './verbs.js';

export interface FaultSpecOptions {
  /** Port given to an endpoint written without one (the cluster's storage_port). */
  defaultPort?: number;
}

export function parseFaultSpec(text: string, options: FaultSpecOptions = {}): FaultRule {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const fail = (why: string): never => {
    throw new InvalidRequestError(`invalid fault rule '${text.trim()}': ${why}`);
  };
  const action = words.shift()?.toLowerCase();
  if (action !== 'drop' && action !== 'delay') fail(`expected 'drop' or 'delay' first`);
  const verbWord = words.shift();
  if (verbWord === undefined) fail('expected a verb name or * after the action');
  const verb = verbWord === '*' ? '*' : verbWord!.toUpperCase();
  if (verb !== '*' && !isVerbName(verb)) fail(`unknown verb '${verbWord}'`);
  const rule: FaultRule = { action: action as FaultRule['action'], verb, from: '*', to: '*' };

  if (words[0] !== undefined && /^\d/.test(words[0])) {
    if (action === 'drop') fail('a drop rule takes no duration');
    rule.delayMs = parseDurationMs(words.shift()!, fail);
  } else if (action === 'delay') {
    fail(`a delay rule needs a duration after the verb, e.g. 'delay ${verb} 200ms'`);
  }

  const seen = new Set<string>();
  while (words.length > 0) {
    const keyword = words.shift()!.toLowerCase();
    if (keyword !== 'from' && keyword !== 'to') fail(`expected 'from' or 'to', got '${keyword}'`);
    if (seen.has(keyword)) fail(`'${keyword}' given twice`);
    seen.add(keyword);
    const endpoint = words.shift();
    if (endpoint === undefined) fail(`expected an endpoint or * after '${keyword}'`);
    rule[keyword as 'from' | 'to'] = parseEndpoint(endpoint!, options.defaultPort ?? 7000, fail);
  }
  return rule;
}

/** The canonical text of a rule; parseFaultSpec(formatFaultRule(r)) gives r back. */
export function formatFaultRule(rule: FaultRule): string {
  const parts: string[] = [rule.action, rule.verb];
  if (rule.action === 'delay') parts.push(`${rule.delayMs}ms`);
  if (rule.from !== '*') parts.push('from', rule.from);
  if (rule.to !== '*') parts.push('to', rule.to);
  return parts.join(' ');
}

function parseDurationMs(word: string, fail: (why: string) => never): number {
  const m = /^(\d+)(ms|s)?$/i.exec(word);
  if (!m) return fail(`'${word}' is not a duration (e.g. 200ms or 2s)`);
  const n = Number(m[1]);
  const ms = m[2]?.toLowerCase() === 's' ? n * 1000 : n;
  if (!Number.isSafeInteger(ms)) return fail(`duration '${word}' is too large`);
  return ms;
}

function parseEndpoint(word: string, defaultPort: number, fail: (why: string) => never): string {
  if (word === '*') return '*';
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(word);
  const plain = /^([A-Za-z0-9.-]+)(?::(\d+))?$/.exec(word);
  const m = bracketed ?? plain;
  if (!m) return fail(`'${word}' is not an endpoint (host or host:port)`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return fail(`port of '${word}' is out of range`);
  const host = bracketed ? `[${m[1]}]` : m[1]!;
  return `${host}:${port}`;
}
