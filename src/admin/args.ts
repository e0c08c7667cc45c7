/**
 * Reading an admin command's arguments, which arrive from the wire as an
 * untrusted map. A wrong argument is an InvalidRequestError naming the
 * command and the argument.
 */
import { InvalidRequestError } from '../util/errors.js';

export type AdminArgs = Record<string, unknown>;

export function optionalString(args: AdminArgs, name: string, command: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidRequestError(`${command}: argument '${name}' must be text`);
  return v;
}

export function requiredString(args: AdminArgs, name: string, command: string): string {
  const v = optionalString(args, name, command);
  if (v === undefined || v === '') throw new InvalidRequestError(`${command}: argument '${name}' is required`);
  return v;
}

export function optionalInteger(args: AdminArgs, name: string, command: string): number | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v)) throw new InvalidRequestError(`${command}: argument '${name}' must be an integer`);
  return v as number;
}
