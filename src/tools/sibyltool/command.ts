/**
 * The shape of one sibyltool command: its name and help, the options it
 * takes, and a run function that asks the node (through `ToolContext.call`)
 * and returns the text to print. Commands never touch the process: main.ts
 * owns stdout, stderr and the exit status.
 */
import type { ParsedArgs } from '../args.js';

export interface ToolContext {
  /** Sends an ADMIN command to the node sibyltool talks to and returns its answer. */
  call(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** -pp/--print-port: show endpoints with their ports. */
  printPort: boolean;
  /** Prints at once, for commands that report progress while they run; what run() returns is printed after it. */
  print?(text: string): void;
  /** Whether stdout is a terminal (a progress bar is drawn only there). */
  isTTY?: boolean;
}

export interface ToolCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Options taking a value, and bare ones. */
  valued?: readonly string[];
  bare?: readonly string[];
  /**
   * How many positional arguments the command takes at most (none when left
   * out); main refuses more, as nodetool does, rather than ignoring them.
   */
  maxArguments?: number;
  run(ctx: ToolContext, args: ParsedArgs): Promise<string>;
}
