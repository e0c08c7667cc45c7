/**
 * The TLS options of the command-line tools (sibylsh --ssl, sibyltool
 * --ssl), read from the environment variables cqlsh reads:
 *
 *   SSL_CERTFILE   a PEM file of the certificate(s) to trust for the node
 *                  (its own, when self-signed); default: the system's CAs
 *   SSL_VALIDATE   `false` skips checking the node's certificate (default true)
 *   SSL_USERCERT, SSL_USERKEY   a client certificate and key, for nodes with
 *                  client_encryption_options.require_client_auth
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ArgumentError } from './errors.js';

export function sslFromEnvironment(env: Record<string, string | undefined>): TlsConnectionOptions {
  const options: TlsConnectionOptions = {};
  const read = (name: string): Buffer | undefined => {
    const path = env[name];
    if (path === undefined || path === '') return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ArgumentError(`cannot read ${name} ${path}: ${(err as Error).message}`);
    }
  };
  const ca = read('SSL_CERTFILE');
  if (ca) options.ca = ca;
  const cert = read('SSL_USERCERT');
  const key = read('SSL_USERKEY');
  if (cert) options.cert = cert;
  if (key) options.key = key;
  const validate = (env['SSL_VALIDATE'] ?? 'true').toLowerCase();
  if (validate !== 'true' && validate !== 'false') throw new ArgumentError(`SSL_VALIDATE must be true or false; got '${env['SSL_VALIDATE']}'`);
  if (validate === 'false') {
    options.rejectUnauthorized = false;
  } else if (ca) {
    // A self-signed node certificate names the node, not whatever address it was reached on; the ca check is what matters.
    options.checkServerIdentity = () => undefined;
  }
  return options;
}
