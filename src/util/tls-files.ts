/**
 * Reads the PEM files a TLS setting names (certificate, private_key, ca) into
 * what node:tls takes. The client port and internode messaging both use it,
 * so an unreadable or malformed file is reported the same way for both: a
 * ConfigurationError naming the setting key and the path.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import { ConfigurationError } from './errors.js';
import type { TlsFiles } from './settings.js';

export interface PemMaterial {
  cert: Buffer;
  key: Buffer;
  /** Absent when the setting names no ca. */
  ca?: Buffer;
}

/** Reads the files of `files`; `setting` (e.g. 'client_encryption_options') prefixes the key named in errors. */
export function readPemFiles(files: TlsFiles, setting: string): PemMaterial {
  const read = (key: keyof TlsFiles): Buffer => {
    const path = files[key];
    if (path === '') throw new ConfigurationError(`${setting}.${key} is not set`);
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigurationError(`cannot read ${setting}.${key} ${path}: ${(err as Error).message}`);
    }
  };
  const material: PemMaterial = { cert: read('certificate'), key: read('private_key') };
  if (files.ca !== '') material.ca = read('ca');
  return material;
}

/**
 * Builds the secure context once, so a certificate that does not match its
 * key fails at start-up rather than on the first connection. tls.connect
 * takes it as is; a TLS server takes the PEM material itself (pemOptions),
 * since tls.createServer builds its own context from cert, key and ca.
 */
export function secureContextOf(material: PemMaterial, setting: string): SecureContext {
  try {
    return createSecureContext({ cert: material.cert, key: material.key, ...(material.ca ? { ca: material.ca } : {}) });
  } catch (err) {
    throw new ConfigurationError(`${setting}: the certificate, private_key or ca is not usable PEM: ${(err as Error).message}`);
  }
}

/** The cert, key and ca options of a TLS server or client. */
export function pemOptions(material: PemMaterial): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return { cert: material.cert, key: material.key, ...(material.ca ? { ca: material.ca } : {}) };
}
