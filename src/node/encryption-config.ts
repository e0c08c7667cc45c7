/**
 * Reads the two nested TLS settings, client_encryption_options and
 * server_encryption_options, from the config file. Each is a mapping whose
 * keys are checked one by one, so a typo (`certficate`) is refused with the
 * key's full name instead of leaving TLS silently misconfigured.
 */
import { DEFAULT_SETTINGS, type ClientEncryptionOptions, type ServerEncryptionOptions } from '../util/settings.js';

export type EncryptionSetting = 'client_encryption_options' | 'server_encryption_options';

export function isEncryptionSetting(name: string): name is EncryptionSetting {
  return name === 'client_encryption_options' || name === 'server_encryption_options';
}

/** Merges `raw` over the defaults of `name`; `fail` builds the error naming the key at fault. */
export function coerceEncryption(
  name: EncryptionSetting,
  raw: unknown,
  fail: (message: string) => Error,
): ClientEncryptionOptions | ServerEncryptionOptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw fail(`setting '${name}' must be a mapping (enabled, certificate, private_key, ...), got ${JSON.stringify(raw)}`);
  }
  const defaults = DEFAULT_SETTINGS[name] as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const full = `${name}.${key}`;
    if (!(key in defaults)) throw fail(`unknown setting '${full}'; known: ${Object.keys(defaults).join(', ')}`);
    const expected = defaults[key];
    if (typeof expected === 'boolean') {
      if (value === true || value === 'true') result[key] = true;
      else if (value === false || value === 'false') result[key] = false;
      else throw fail(`setting '${full}' must be true or false, got ${JSON.stringify(value)}`);
    } else if (key === 'internode_encryption') {
      if (value !== 'none' && value !== 'all') throw fail(`setting '${full}' must be 'none' or 'all', got ${JSON.stringify(value)}`);
      result[key] = value;
    } else {
      if (typeof value !== 'string') throw fail(`setting '${full}' must be a file path, got ${JSON.stringify(value)}`);
      result[key] = value;
    }
  }
  const enabled = name === 'client_encryption_options' ? result['enabled'] === true : result['internode_encryption'] === 'all';
  if (enabled) {
    for (const key of ['certificate', 'private_key']) {
      if (result[key] === '') throw fail(`setting '${name}.${key}' is required when ${name === 'client_encryption_options' ? `${name}.enabled is true` : `${name}.internode_encryption is all`}`);
    }
  }
  if (result['require_client_auth'] === true && result['ca'] === '') throw fail(`setting '${name}.require_client_auth' needs '${name}.ca' to verify certificates with`);
  if (result['require_endpoint_verification'] === true && result['ca'] === '') throw fail(`setting '${name}.require_endpoint_verification' needs '${name}.ca' to verify certificates with`);
  return Object.freeze(result) as unknown as ClientEncryptionOptions | ServerEncryptionOptions;
}
