/**
 * What a node needs to secure its internode connections, loaded once from
 * its settings: the cluster secret (from cluster_secret, or the file
 * cluster_secret_file names) and, with server_encryption_options'
 * internode_encryption `all`, the TLS options of its listener and of its
 * outbound connections. Loading fails at start-up, naming the setting,
 * rather than on the first connection.
 *
 * Peer certificates are verified only when `ca` is set: without it TLS
 * encrypts, and membership is proven by the cluster secret alone, whose
 * proof is bound to the TLS session (handshake-proof.ts).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions, TLSSocket, TlsOptions } from 'node:tls';
import { ConfigurationError } from '../util/errors.js';
import type { Settings } from '../util/settings.js';
import { pemOptions, readPemFiles, secureContextOf } from '../util/tls-files.js';
import { TLS_BINDING_BYTES, TLS_BINDING_LABEL } from './handshake-proof.js';

export interface InternodeSecurity {
  /** Empty when the cluster has no secret: connections are then unauthenticated. */
  secret: string;
  /** Present when internode_encryption is `all`. */
  tls?: {
    server: TlsOptions;
    /** Options for tls.connect to one peer. */
    client(host: string): ConnectionOptions;
  };
}

const SETTING = 'server_encryption_options';

export function loadInternodeSecurity(settings: Settings): InternodeSecurity {
  const security: InternodeSecurity = { secret: loadSecret(settings) };
  const options = settings.server_encryption_options;
  if (options.internode_encryption === 'all') {
    const material = readPemFiles(options, SETTING);
    const secureContext = secureContextOf(material, SETTING);
    const verify = material.ca !== undefined;
    security.tls = {
      server: {
        ...pemOptions(material),
        requestCert: options.require_client_auth,
        rejectUnauthorized: options.require_client_auth,
        handshakeTimeout: settings.internode_tcp_connect_timeout,
      },
      client: (host) => ({
        host,
        secureContext,
        rejectUnauthorized: verify,
        // Without endpoint verification any certificate the ca signed will do, whatever address it names.
        ...(options.require_endpoint_verification ? {} : { checkServerIdentity: () => undefined }),
        // SNI takes a host name, never an address.
        ...(isIP(host) === 0 ? { servername: host } : {}),
      }),
    };
  }
  return security;
}

function loadSecret(settings: Settings): string {
  if (settings.cluster_secret !== '') return settings.cluster_secret;
  if (settings.cluster_secret_file === '') return '';
  let text: string;
  try {
    text = readFileSync(settings.cluster_secret_file, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`cannot read cluster_secret_file ${settings.cluster_secret_file}: ${(err as Error).message}`);
  }
  const secret = text.trim();
  if (secret === '') throw new ConfigurationError(`cluster_secret_file ${settings.cluster_secret_file} is empty`);
  return secret;
}

/** The keying material a TLS session exports for the proof; empty on a plain socket. */
export function tlsBinding(socket: object): Buffer {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || typeof tls.exportKeyingMaterial !== 'function') return Buffer.alloc(0);
  return tls.exportKeyingMaterial(TLS_BINDING_BYTES, TLS_BINDING_LABEL, Buffer.alloc(0));
}
