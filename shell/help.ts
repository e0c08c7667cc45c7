/** HELP: the list of commands and topics, and a few lines on each. */
import { columnize } from './columnize.js';

const TOPICS: Record<string, string[]> = {
  CONSISTENCY: ['CONSISTENCY [level]', '', 'Shows the consistency level of the next requests, or sets it:', 'ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM.'],
  TRACING: ['TRACING [ON | OFF]', '', 'Shows, enables or disables request tracing.'],
  EXPAND: ['EXPAND [ON | OFF]', '', 'Shows, enables or disables vertical output: one "@ Row n" block per row.'],
  PAGING: ['PAGING [ON | OFF | page_size]', '', 'Shows, enables or disables paging, or sets the rows per page (default 100).', 'At a terminal, ---MORE--- waits for a key between pages.'],
  DESCRIBE: [
    'DESCRIBE KEYSPACES | KEYSPACE [k] | TABLES | TABLE t | SCHEMA | FULL SCHEMA | CLUSTER | name',
    '',
    'Prints the CQL that recreates the schema, or lists keyspace and table names.',
  ],
  SOURCE: ["SOURCE 'file'", '', 'Runs the statements in a file as if typed at the prompt.'],
  CAPTURE: ["CAPTURE ['file' | OFF]", '', 'Appends query results to a file instead of the screen, until CAPTURE OFF.'],
  COPY: [
    "COPY table [(col, ...)] TO 'file.csv' [WITH option = value [AND ...]]",
    "COPY table [(col, ...)] FROM 'file.csv' [WITH option = value [AND ...]]",
    '',
    'Exports rows to CSV or imports them. Options: HEADER (true|false), DELIMITER (one character),',
    "QUOTE (one character), NULL (the text of a null; default empty), MAXREQUESTS (imports in flight, default 32).",
  ],
  SHOW: ['SHOW VERSION | HOST', '', 'Prints the shell and server versions, or the node connected to.'],
  HELP: ['HELP [topic]', '', 'Lists the commands, or describes one.'],
  CLEAR: ['CLEAR | CLS', '', 'Clears the terminal.'],
  EXIT: ['EXIT | QUIT', '', 'Leaves the shell.'],
};
TOPICS['DESC'] = TOPICS['DESCRIBE']!;
TOPICS['CLS'] = TOPICS['CLEAR']!;
TOPICS['QUIT'] = TOPICS['EXIT']!;

const CQL_TOPICS = [
  'ALTER_KEYSPACE',
  'ALTER_TABLE',
  'BATCH',
  'CREATE_KEYSPACE',
  'CREATE_TABLE',
  'DELETE',
  'DROP_KEYSPACE',
  'DROP_TABLE',
  'INSERT',
  'SELECT',
  'TRUNCATE',
  'TYPES',
  'UPDATE',
  'USE',
];

/** The help for `topic`, or undefined when there is none (HELP then reports an error, as cqlsh's `*** No help on X`). */
export function helpLines(topic: string): string[] | undefined {
  const key = topic.trim().toUpperCase();
  if (key === '') {
    const commands = Object.keys(TOPICS).sort();
    return ['', 'Documented shell commands:', '===========================', ...columnize(commands, 79), '', 'CQL help topics:', '================', ...columnize(CQL_TOPICS, 79), ''];
  }
  const lines = TOPICS[key];
  if (lines) return ['', ...lines, ''];
  if (CQL_TOPICS.includes(key)) return ['', `${key.replace('_', ' ')}: see docs/cql.md in the Sibyl repository.`, ''];
  return undefined;
}

