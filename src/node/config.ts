/**
 * A node's settings: defaults (src/util/settings.ts), then the YAML config
 * file, then command-line flags. Unknown keys and wrongly typed values are
 * refused with a message naming the key, so a typo never silently falls back
 * to a default.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_SETTINGS, type Settings } from '../util/settings.js';
import { coerceEncryption, isEncryptionSetting } from './encryption-config.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Command-line flags of `sibyl node` and the setting each one sets. */
export const NODE_FLAGS: Record<string, keyof Settings> = {
  '--data': 'data_directory',
  '--listen': 'listen_address',
  '--port': 'native_transport_port',
  '--storage-port': 'storage_port',
  '--commitlog-sync': 'commitlog_sync',
  '--cluster-name': 'cluster_name',
  '--seeds': 'seeds',
  '--dc': 'dc',
  '--rack': 'rack',
  '--cluster-secret-file': 'cluster_secret_file',
};

const CONSISTENCY_LEVELS = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM'];

/** String settings that take one of a few words; anything else is refused with the list. */
const ENUMERATED_SETTINGS: Partial<Record<keyof Settings, readonly string[]>> = {
  authenticator: ['AllowAllAuthenticator', 'PasswordAuthenticator'],
  authorizer: ['AllowAllAuthorizer', 'CassandraAuthorizer'],
  auth_read_consistency_level: CONSISTENCY_LEVELS,
  auth_write_consistency_level: CONSISTENCY_LEVELS,
};

export function loadSettings(options: { configFile?: string; overrides?: Partial<Record<keyof Settings, unknown>> }): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  if (options.configFile) {
    let text: string;
    try {
      text = readFileSync(options.configFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.configFile}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`config file ${options.configFile} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) {
        throw new ConfigError(`config file ${options.configFile} must be a mapping of setting names to values`);
      }
      applyAll(settings, doc as Record<string, unknown>, `config file ${options.configFile}`);
    }
  }
  applyAll(settings, options.overrides ?? {}, 'command line');
  // Permissions belong to logged-in roles: with anyone allowed in there is no role to check them against (Cassandra refuses it too).
  if (settings.authorizer === 'CassandraAuthorizer' && settings.authenticator === 'AllowAllAuthenticator') {
    throw new ConfigError(`authorizer 'CassandraAuthorizer' needs authenticator 'PasswordAuthenticator'`);
  }
  return settings;
}

function applyAll(settings: Settings, values: Record<string, unknown>, source: string): void {
  for (const [key, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    if (!(key in DEFAULT_SETTINGS)) {
      throw new ConfigError(`unknown setting '${key}' in ${source}`);
    }
    const name = key as keyof Settings;
    (settings as unknown as Record<string, unknown>)[name] = coerce(name, raw, source);
  }
}

function coerce(name: keyof Settings, raw: unknown, source: string): unknown {
  const expected = DEFAULT_SETTINGS[name];
  if (isEncryptionSetting(name)) return coerceEncryption(name, raw, (message) => new ConfigError(`${message} in ${source}`));
  if (typeof expected === 'number') {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    // A clock may run behind as well as ahead; every other number is a size, count or duration.
    if (name === 'clock_offset') {
      if (typeof n !== 'number' || !Number.isInteger(n)) {
        throw new ConfigError(`setting 'clock_offset' in ${source} must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
      }
      return n;
    }
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new ConfigError(`setting '${name}' in ${source} must be a non-negative number, got ${JSON.stringify(raw)}`);
    }
    return n;
  }
  if (typeof expected === 'boolean') {
    // YAML gives true/false; a flag or an environment gives the words.
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw new ConfigError(`setting '${name}' in ${source} must be true or false, got ${JSON.stringify(raw)}`);
  }
  if (Array.isArray(expected)) {
    // A list setting (seeds) takes a YAML list or, as cassandra.yaml's seed_provider does, one comma-separated string.
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item === '')) {
      throw new ConfigError(`setting '${name}' in ${source} must be a list of non-empty strings, got ${JSON.stringify(raw)}`);
    }
    return Object.freeze([...items]);
  }
  const choices = ENUMERATED_SETTINGS[name];
  if (choices !== undefined) {
    if (typeof raw !== 'string' || !choices.includes(raw)) {
      throw new ConfigError(`setting '${name}' in ${source} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  }
  if (name === 'commitlog_sync') {
    if (raw !== 'periodic' && raw !== 'batch') {
      throw new ConfigError(`setting 'commitlog_sync' in ${source} must be 'periodic' or 'batch', got ${JSON.stringify(raw)}`);
    }
    return raw;
  }
  if (typeof raw !== 'string' || raw === '') {
    throw new ConfigError(`setting '${name}' in ${source} must be a non-empty string, got ${JSON.stringify(raw)}`);
  }
  return raw;
}
