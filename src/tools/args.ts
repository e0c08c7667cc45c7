/**
 * A tiny flag parser shared by the command-line tools: `--name value`,
 * `--name=value` and bare `--flag`. Unknown flags are errors that name the flag.
 * A negative number (`-5`) is an argument, not a flag, and `--` ends the
 * flags, so values that start with '-' can still be given (a negative key).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** `valued` lists flags that take a value; `bare` lists flags that do not. */
export function parseArgs(argv: string[], valued: readonly string[], bare: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (bare.includes(name)) {
      if (eq >= 0) throw new UsageError(`option ${name} takes no value`);
      flags.set(name, true);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      // `-n --dir D` left out -n's value: taking `--dir` as it would make D a stray argument and hide the mistake.
      const isOption = (text: string) => [...valued, ...bare].includes(text.split('=')[0]!);
      if (value === undefined || (eq < 0 && isOption(value))) throw new UsageError(`option ${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return { flags, positional };
}
