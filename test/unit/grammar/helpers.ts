import { parseStatement, type Statement, type Term } from '../../../grammar/index.js';

/** The statement of a single-statement text. */
export function stmt(text: string): Statement {
  return parseStatement(text).statement;
}

export const int = (text: string): Term => ({ kind: 'constant', type: 'INTEGER', text });
export const float = (text: string): Term => ({ kind: 'constant', type: 'FLOAT', text });
export const str = (text: string): Term => ({ kind: 'constant', type: 'STRING', text });
export const bool = (text: string): Term => ({ kind: 'constant', type: 'BOOLEAN', text });
export const bind = (index: number, name?: string): Term =>
  name === undefined ? { kind: 'bind', index } : { kind: 'bind', index, name };
