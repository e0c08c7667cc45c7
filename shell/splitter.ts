/**
 * Cuts shell input into statements. A statement ends at a `;` outside
 * single-quoted strings, double-quoted names, `$$…$$` strings and comments
 * (`-- …`, `// …` to the end of the line, `/* … *\/`). Input arrives a line at
 * a time, so the splitter keeps its lexical state between lines; a shell
 * command (CONSISTENCY, EXIT, …) also ends at the end of its first line, as
 * in cqlsh, where those need no `;`. A BATCH is one statement from BEGIN to
 * APPLY BATCH, the `;`s between its statements included, as cqlsh splits it:
 * cut at those, its statements would run one by one, outside any batch.
 */

type Mode = 'code' | 'single' | 'double' | 'dollar' | 'block';

export interface Statement {
  /** The statement's text without its terminating `;`, trimmed. */
  text: string;
  /** 1-based line (of the whole input) where the statement starts and where it ended. */
  firstLine: number;
  lastLine: number;
}

/** Words that start a shell command rather than CQL sent to the server. */
export const SHELL_COMMANDS = [
  'CAPTURE',
  'CLEAR',
  'CLS',
  'CONSISTENCY',
  'COPY',
  'DESC',
  'DESCRIBE',
  'EXIT',
  'EXPAND',
  'HELP',
  'PAGING',
  'QUIT',
  'SERIAL',
  'SHOW',
  'SOURCE',
  'TRACING',
] as const;

export function firstWord(text: string): string {
  return (/^\s*([A-Za-z_?]+)/.exec(text)?.[1] ?? '').toUpperCase();
}

export function isShellCommand(text: string): boolean {
  return (SHELL_COMMANDS as readonly string[]).includes(firstWord(text)) || /^\s*\?/.test(text);
}

/** A statement begun with BEGIN [UNLOGGED | COUNTER] BATCH whose APPLY BATCH has not come yet. */
function isOpenBatch(text: string): boolean {
  return /^\s*BEGIN\b/i.test(text) && !/\bAPPLY\s+BATCH\s*$/i.test(text);
}

export class StatementSplitter {
  private mode: Mode = 'code';
  private buffer = '';
  private line = 0;
  private firstLine = 0;

  /** True while a statement is open (the prompt shows continuation). */
  get pending(): boolean {
    return this.buffer.trim() !== '' || this.mode !== 'code';
  }

  /** Feeds one line (without its newline); returns the statements it completed. */
  feed(lineText: string): Statement[] {
    this.line++;
    const done: Statement[] = [];
    if (!this.pending) {
      this.buffer = '';
      this.firstLine = this.line;
    }
    let i = 0;
    const text = lineText;
    while (i < text.length) {
      const ch = text[i]!;
      const next = text[i + 1];
      switch (this.mode) {
        case 'code':
          if (ch === ';') {
            if (isOpenBatch(this.buffer)) this.buffer += ';';
            else this.emit(done);
            i++;
            continue;
          }
          if (ch === "'") this.mode = 'single';
          else if (ch === '"') this.mode = 'double';
          else if (ch === '$' && next === '$') {
            this.mode = 'dollar';
            this.buffer += '$$';
            i += 2;
            continue;
          } else if ((ch === '-' && next === '-') || (ch === '/' && next === '/')) {
            // A line comment: keep it out of the statement and skip the rest of the line.
            i = text.length;
            continue;
          } else if (ch === '/' && next === '*') {
            this.mode = 'block';
            i += 2;
            continue;
          }
          break;
        case 'single':
          if (ch === "'") this.mode = 'code';
          break;
        case 'double':
          if (ch === '"') this.mode = 'code';
          break;
        case 'dollar':
          if (ch === '$' && next === '$') {
            this.mode = 'code';
            this.buffer += '$$';
            i += 2;
            continue;
          }
          break;
        case 'block':
          if (ch === '*' && next === '/') {
            this.mode = 'code';
            this.buffer += ' ';
            i += 2;
          } else {
            i++;
          }
          continue;
      }
      this.buffer += ch;
      i++;
    }
    if (this.mode === 'code' && this.buffer.trim() !== '' && this.firstLine === this.line && isShellCommand(this.buffer)) {
      this.emit(done);
    } else if (this.pending) {
      this.buffer += '\n';
    }
    return done;
  }

  /** What is left at the end of input: an unterminated statement, if any. */
  finish(): Statement | undefined {
    const text = this.buffer.trim();
    this.buffer = '';
    this.mode = 'code';
    return text === '' ? undefined : { text, firstLine: this.firstLine, lastLine: this.line };
  }

  /** Drops a half-typed statement (Ctrl-C at the prompt). */
  reset(): void {
    this.buffer = '';
    this.mode = 'code';
  }

  private emit(done: Statement[]): void {
    const text = this.buffer.trim();
    if (text !== '') done.push({ text, firstLine: this.firstLine, lastLine: this.line });
    this.buffer = '';
    this.firstLine = this.line;
  }
}
