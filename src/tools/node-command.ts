/**
 * `sibyl node --data DIR --listen ADDR --port N [--config sibyl.yaml]`: runs
 * one node in the foreground until SIGTERM or SIGINT, then drains in-flight
 * requests and closes storage cleanly.
 */
import { ConfigError, loadSettings, NODE_FLAGS } from '../node/config.js';
import { SibylNode } from '../node/node.js';
import { ConfigurationError } from '../util/errors.js';
import type { Settings } from '../util/settings.js';
import { parseArgs, UsageError } from './args.js';

const USAGE = `Usage: sibyl node [--config sibyl.yaml] [--data DIR] [--listen ADDR] [--port N]
                  [--storage-port N] [--commitlog-sync periodic|batch] [--cluster-name NAME]
                  [--seeds HOST[:PORT],...] [--dc NAME] [--rack NAME]
                  [--cluster-secret-file FILE]

Flags override the config file, which overrides the defaults.
`;

export async function runNodeCommand(argv: string[]): Promise<number> {
  let settings: Settings;
  try {
    const args = parseArgs(argv, ['--config', ...Object.keys(NODE_FLAGS)], ['--help', '-h']);
    if (args.flags.has('--help') || args.flags.has('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
    const overrides: Partial<Record<keyof Settings, unknown>> = {};
    for (const [flag, setting] of Object.entries(NODE_FLAGS)) {
      const value = args.flags.get(flag);
      if (typeof value === 'string') overrides[setting] = value;
    }
    const configFile = args.flags.get('--config');
    settings = loadSettings({ configFile: typeof configFile === 'string' ? configFile : undefined, overrides });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sibyl node: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // A bad setting is not a misused command: the one line naming the setting and its source says it all.
    if (err instanceof ConfigError) {
      process.stderr.write(`sibyl node: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // Signals are caught from before start-up: one that arrives while the node starts, or just as it logs that it is
  // listening, stops it cleanly once it is up instead of killing it mid-write. A second one kills it at once.
  let early: string | undefined;
  let onSignal = (signal: string): void => {
    early = signal;
    process.stderr.write(`sibyl node: received ${signal} while starting; stopping once started (send it again to exit at once)\n`);
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  let node: SibylNode;
  try {
    node = await SibylNode.start({ settings });
  } catch (err) {
    process.stderr.write(`sibyl node: cannot start: ${describeStartError(err, settings)}\n`);
    return 1;
  }

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      node.log.info(`Received ${signal}; shutting down`);
      node.stop().then(
        () => resolve(0),
        (err: unknown) => {
          node.log.error(`Shutdown failed: ${(err as Error).stack ?? String(err)}`);
          resolve(1);
        },
      );
    };
    onSignal = shutdown;
    if (early !== undefined) shutdown(early);
    // A decommissioned node stops itself once it has left the ring; the process ends with it.
    void node.whenStopped().then(() => resolve(0));
  });
}

/** The one line `sibyl node: cannot start: ...` says when a node fails to start: what to fix, naming the setting, never a stack trace when the cause is known. */
export function describeStartError(err: unknown, settings: Settings): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'SIBYL_DATA_LOCKED' || e.code === 'SIBYL_DATA_DIRECTORY' || e.code === 'SIBYL_RING_JOIN') return e.message;
  // A setting naming an unreadable or unusable file (cluster_secret_file, a TLS certificate) is the operator's to fix: no stack.
  if (err instanceof ConfigurationError) return err.message;
  if (e.code === 'EADDRINUSE') {
    return `address ${settings.listen_address}:${settings.native_transport_port} is already in use (native_transport_port)`;
  }
  if (e.code === 'EADDRNOTAVAIL') return `address ${settings.listen_address} is not available on this machine (listen_address)`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `address ${settings.listen_address} cannot be resolved (listen_address)`;
  if (e.code === 'EACCES' && e.syscall === 'listen') {
    // Ports below 1024 need privileges; say which setting asked for the port.
    const port = (e as { port?: number }).port;
    const setting = port === settings.storage_port ? 'storage_port' : 'native_transport_port';
    return `permission denied to listen on ${settings.listen_address}:${port} (${setting}); ports below 1024 need privileges`;
  }
  if (e.code === 'EACCES') return `permission denied: ${e.message}`;
  return e.stack ?? String(err);
}
