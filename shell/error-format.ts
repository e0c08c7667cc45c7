/**
 * Errors in cqlsh's words. Server errors print as the Python driver names
 * them, e.g. `InvalidRequest: Error from server: code=2200 [Invalid query]
 * message="..."`, with the structured fields as `info={...}` where the driver
 * shows them; a syntax error prints its message, then the offending line of
 * the statement with a caret under the column.
 */
import {
  AlreadyExistsError,
  DriverError,
  NoHostAvailableError,
  OperationTimedOutError,
  ReadTimeoutError,
  SibylError,
  SyntaxError as CqlSyntaxError,
  UnavailableError,
  WriteTimeoutError,
} from '../src/client/index.js';

/** The summary the Python driver prints after the code, by error code. */
const SUMMARIES: Record<number, [name: string, summary: string]> = {
  0x0000: ['ServerError', 'Server error'],
  0x000a: ['ProtocolException', 'Protocol error'],
  0x0100: ['AuthenticationFailed', 'Bad credentials'],
  0x1000: ['Unavailable', 'Unavailable exception'],
  0x1001: ['Overloaded', 'Coordinator node overloaded'],
  0x1002: ['IsBootstrapping', 'Coordinator node is bootstrapping'],
  0x1003: ['TruncateError', 'Error during truncate'],
  0x1100: ['WriteTimeout', "Coordinator node timed out waiting for replica nodes' responses"],
  0x1200: ['ReadTimeout', "Coordinator node timed out waiting for replica nodes' responses"],
  0x1300: ['ReadFailure', 'Replica(s) failed to execute read'],
  0x1500: ['WriteFailure', 'Replica(s) failed to execute write'],
  0x2100: ['Unauthorized', 'Unauthorized'],
  0x2200: ['InvalidRequest', 'Invalid query'],
  0x2300: ['ConfigurationException', 'Query invalid because of configuration issue'],
  0x2500: ['PreparedQueryNotFound', 'Unprepared'],
};

/** Python's repr of a small dict of strings, numbers and booleans. */
function pyDict(entries: [string, string | number | boolean][]): string {
  const repr = (v: string | number | boolean) => (typeof v === 'string' ? `'${v}'` : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  return `{${entries.map(([k, v]) => `'${k}': ${repr(v)}`).join(', ')}}`;
}

/**
 * The lines cqlsh would print for `err` raised by `statement`. The first
 * line is the error; a syntax error adds the statement line and a caret.
 */
export function errorLines(err: unknown, statement: string): string[] {
  if (err instanceof CqlSyntaxError) return syntaxLines(err.message, statement);
  if (err instanceof AlreadyExistsError) {
    return [`AlreadyExists: ${err.table === '' ? `Keyspace '${err.keyspace}'` : `Table '${err.keyspace}.${err.table}'`} already exists`];
  }
  if (err instanceof SibylError) {
    const [name, summary] = SUMMARIES[err.code] ?? ['ServerError', 'Server error'];
    const code = err.code.toString(16).padStart(4, '0');
    const head = `${name}: Error from server: code=${code} [${summary}] message="${err.message}"`;
    if (err instanceof UnavailableError) {
      return [`${head} info=${pyDict([['consistency', err.consistency], ['required_replicas', err.required], ['alive_replicas', err.alive]])}`];
    }
    if (err instanceof WriteTimeoutError) {
      const info = pyDict([['consistency', err.consistency], ['required_responses', err.blockFor], ['received_responses', err.received], ['write_type', err.writeType]]);
      return [`${head} info=${info}`];
    }
    if (err instanceof ReadTimeoutError) {
      // The Python driver keeps data_retrieved on the exception but out of its message, so cqlsh never prints it.
      const info = pyDict([['consistency', err.consistency], ['required_responses', err.blockFor], ['received_responses', err.received]]);
      return [`${head} info=${info}`];
    }
    return [head];
  }
  if (err instanceof OperationTimedOutError) {
    return [`OperationTimedOut: errors={'${err.host}': 'Client request timeout. See --request-timeout'}, last_host=${err.host}`];
  }
  if (err instanceof NoHostAvailableError) {
    const inner = Object.entries(err.innerErrors).map(([h, e]) => [h, e.message] as [string, string]);
    return [`NoHostAvailable: ('Unable to complete the operation against any hosts', ${pyDict(inner)})`];
  }
  if (err instanceof DriverError) return [`${err.name}: ${err.message}`];
  if (err instanceof Error) return [err.message];
  return [String(err)];
}

/** `SyntaxException: line 1:9 …`, then the statement's offending line and a caret under its column. */
export function syntaxLines(message: string, statement: string): string[] {
  const lines = [`SyntaxException: ${message}`];
  const at = /^line (\d+):(\d+)/.exec(message);
  if (!at) return lines;
  const sourceLine = statement.split('\n')[Number(at[1]) - 1];
  if (sourceLine === undefined) return lines;
  const column = Math.min(Number(at[2]), sourceLine.length);
  lines.push(sourceLine, `${' '.repeat(column)}^`);
  return lines;
}
