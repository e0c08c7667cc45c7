/**
 * The parser target. Inputs: random text (binary and printable), soups of
 * CQL tokens, and valid statements with character-level edits. Property: the
 * grammar returns statements or throws CqlSyntaxError, within
 * PARSE_TIME_MAX_MS (a hang or a super-linear blow-up shows up as the bound
 * exceeded); and a statement that parses, prepared and then run against an
 * in-memory node, answers or fails with a Sibyl error (SyntaxError,
 * InvalidRequest, ...), never with anything else.
 */
import { performance } from 'node:perf_hooks';
import { CqlSyntaxError, parseStatement, parseStatements } from '../../grammar/index.js';
import { SibylError } from '../../src/util/errors.js';
import { memoryProcessor } from './memory-processor.js';
import type { Rng } from './rng.js';
import { PropertyViolation, type FuzzInput, type FuzzTarget } from './target.js';

/** Generous for a busy two-core machine: parsing is linear and inputs stay under a few KiB. */
export const PARSE_TIME_MAX_MS = 1000;

export const VALID_STATEMENTS = [
  "INSERT INTO ks.t (k, c, v, n) VALUES (1, 'b', 'it''s', 9223372036854775807) USING TTL 5 AND TIMESTAMP 1700000000000000",
  "SELECT k, c, v, writetime(v), ttl(v), token(k) FROM ks.t WHERE k IN (1, 2) AND c >= 'a' ORDER BY c ASC LIMIT 10",
  "SELECT DISTINCT k, s FROM ks.t WHERE token(k) > -100 AND token(k) <= 100 PER PARTITION LIMIT 1 ALLOW FILTERING",
  "SELECT COUNT(*) AS n FROM ks.t WHERE k = 1 AND (c) IN (('a'), ('b'))",
  "UPDATE ks.coll USING TTL 60 SET tags = tags + {'x', 'y'}, scores['a'] = 3, items = items + [0xcafe], f = [1, 2] WHERE k = 'p' IF EXISTS",
  "DELETE tags, scores['a'], items[0] FROM ks.coll WHERE k = 'p'",
  "DELETE FROM ks.t USING TIMESTAMP 5 WHERE k = 1 AND c > 'a' AND c < 'z'",
  "INSERT INTO ks.kv (k, v, u, ts, d, b) VALUES (1, $$x$$, 123e4567-e89b-12d3-a456-426614174000, '2024-01-02 03:04:05+0000', -1.5e3, true) IF NOT EXISTS",
  'SELECT * FROM ks.kv WHERE k = ? AND v = :named ALLOW FILTERING',
  "BEGIN UNLOGGED BATCH INSERT INTO ks.t (k, c) VALUES (2, 'z'); UPDATE ks.t SET v = 'q' WHERE k = 2 AND c = 'z'; APPLY BATCH",
  "CREATE TABLE IF NOT EXISTS ks.n (a int, b frozen<map<text, list<int>>>, c set<uuid>, PRIMARY KEY ((a), b)) WITH default_time_to_live = 10 AND comment = 'c'",
  "ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND durable_writes = false",
  'ALTER TABLE ks.kv ADD extra list<text>',
  'TRUNCATE ks.kv',
  'USE ks',
  "SELECT json_v FROM system_schema.tables WHERE keyspace_name = 'ks'",
  'SELECT * FROM system.local',
];

const FRAGMENTS = [
  'SELECT', 'INSERT', 'INTO', 'UPDATE', 'DELETE', 'FROM', 'WHERE', 'AND', 'SET', 'VALUES', 'USING', 'TTL', 'TIMESTAMP', 'IF', 'NOT',
  'EXISTS', 'BEGIN', 'BATCH', 'APPLY', 'IN', 'CONTAINS', 'KEY', 'token', 'COUNT', 'writetime', 'ttl', 'DISTINCT', 'ORDER', 'BY', 'LIMIT',
  'PER', 'PARTITION', 'ALLOW', 'FILTERING', 'CREATE', 'ALTER', 'DROP', 'TABLE', 'KEYSPACE', 'WITH', 'PRIMARY', 'frozen', 'map', 'list',
  'set', 'int', 'text', 'ks.t', 'ks.kv', 'ks.coll', 'k', 'c', 'v', 'tags', 'scores', '"Q"', '(', ')', '[', ']', '{', '}', '<', '>', '=', '!=',
  '<=', ',', ';', '.', '*', '?', ':n', '+', '-', "'s'", '$$d$$', '1', '-2', '3.5e2', '0xff', 'NaN', '-Infinity', 'null', 'true', '1h30m',
  '123e4567-e89b-12d3-a456-426614174000', 'now()', '--c\n', '/*c*/', "'", '"', '$$', '/*', '9223372036854775808', '1e999',
];

function randomText(rng: Rng): string {
  const length = rng.size(200);
  if (rng.chance(0.5)) return rng.bytes(length).toString('latin1');
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(rng.chance(0.9) ? rng.between(0x20, 0x7e) : rng.int(0x3000));
  return out;
}

function editStatement(rng: Rng, text: string): string {
  let out = text;
  for (let e = rng.between(1, 3); e > 0; e--) {
    const at = rng.int(out.length + 1);
    switch (rng.int(5)) {
      case 0:
        out = out.slice(0, at) + rng.pick(FRAGMENTS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + rng.between(1, 10));
        break;
      case 2: {
        const len = rng.between(1, 20);
        out = out.slice(0, at) + out.slice(at, at + len) + out.slice(at);
        break;
      }
      case 3:
        out = out.slice(0, at) + String.fromCharCode(rng.int(0x80)) + out.slice(at + 1);
        break;
      default:
        // Repeat a nesting character many times: deep nesting is where recursive parsers fall over.
        out = out.slice(0, at) + rng.pick(['(', '[', '{', '<', 'frozen<', "'", '-']).repeat(rng.between(2, 300)) + out.slice(at);
    }
  }
  return out;
}

export class ParserTarget implements FuzzTarget {
  readonly name = 'parser' as const;

  generate(rng: Rng): FuzzInput {
    const roll = rng.int(10);
    let kind: string;
    let text: string;
    if (roll < 2) {
      kind = 'random-text';
      text = randomText(rng);
    } else if (roll < 4) {
      kind = 'token-soup';
      text = Array.from({ length: rng.size(60) }, () => rng.pick(FRAGMENTS)).join(rng.pick([' ', '', '\n']));
    } else {
      kind = 'edited-statement';
      text = editStatement(rng, rng.pick(VALID_STATEMENTS));
    }
    return { kind, bytes: Buffer.from(text, 'utf8') };
  }

  async check(input: FuzzInput): Promise<void> {
    const text = input.bytes.toString('utf8');
    let parsed = false;
    for (const parse of [parseStatement, parseStatements]) {
      const started = performance.now();
      try {
        parse(text);
        parsed = true;
      } catch (err) {
        if (!(err instanceof CqlSyntaxError)) throw err;
      }
      const tookMs = performance.now() - started;
      if (tookMs > PARSE_TIME_MAX_MS) throw new PropertyViolation(`parsing took ${tookMs.toFixed(0)} ms, over the ${PARSE_TIME_MAX_MS} ms bound`);
    }
    if (!parsed) return;
    // What parses goes on through the statement layer: prepare, then run.
    const processor = await memoryProcessor();
    for (const run of [() => processor.prepare({ keyspace: 'ks' }, text), () => processor.query({ keyspace: 'ks' }, text, { consistency: 'ONE' })]) {
      try {
        await run();
      } catch (err) {
        if (!(err instanceof SibylError)) throw err;
      }
    }
  }
}
