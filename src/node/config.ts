/**
 * A node's settings: defaults (src/util/settings.ts), then the YAML config
 * file, then command-line flags. Unknown keys and wrongly typed values are
 * refused with a message naming the key, so a typo never silently falls back
 * to a default.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';
import { MERKLE_DEPTH_MAX } from '../repair/merkle.js';
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

/**
 * Number settings for which 0 has a meaning of its own (a free port, no
 * throttle, no wait, no cache, purging off); every other one is a size, count,
 * interval or timeout that 0 would make useless (a timer firing without pause,
 * a request timing out at once, a node with no tokens), so it must be positive.
 */
const ZERO_ALLOWED: ReadonlySet<keyof Settings> = new Set<keyof Settings>([
  'native_transport_port',
  'storage_port',
  'hinted_handoff_throttle',
  'compaction_interval',
  'shutdown_drain_timeout',
  'auth_superuser_setup_delay',
  'roles_validity',
  'permissions_validity',
  'ring_delay',
  'max_hint_window',
  'batch_size_warn_threshold',
  'timestamp_skew_warn',
  'max_clock_drift',
  'repair_merkle_depth',
]);

/** Upper bounds of number settings that have one. */
const MAXIMA: Partial<Record<keyof Settings, number>> = {
  native_transport_port: 65_535,
  storage_port: 65_535,
  repair_merkle_depth: MERKLE_DEPTH_MAX,
};

/**
 * What is wrong with `n` as the value of number setting `name`, as the end of
 * "must be ...", or undefined when it is fine. As in cassandra.yaml, every
 * number is whole except the failure detector's phi threshold.
 */
function numberFault(name: keyof Settings, n: unknown): string | undefined {
  const whole = name !== 'phi_convict_threshold';
  const min = ZERO_ALLOWED.has(name) ? 0 : whole ? 1 : Number.MIN_VALUE;
  const max = MAXIMA[name];
  const ok = typeof n === 'number' && Number.isFinite(n) && (!whole || Number.isInteger(n)) && n >= min && (max === undefined || n <= max);
  if (ok) return undefined;
  if (max !== undefined) return `a whole number from ${min} to ${max}`;
  if (!whole) return 'a positive number';
  return min === 0 ? 'a non-negative whole number' : 'a positive whole number';
}

/**
 * The config file's content, with each string setting's value as written:
 * YAML makes `cluster_name: 2024` a number and
 * `auth_superuser_password: 0123` the number 123, where cassandra.yaml's
 * loader gives a string setting the text itself.
 */
function readYaml(text: string, file: string): unknown {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  // The parser's message goes on to quote the offending lines under a caret; its first line says what and where.
  if (error) throw new ConfigError(`config file ${file} is not valid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
  const value: unknown = doc.toJS();
  if (!isMap(doc.contents) || typeof value !== 'object' || value === null) return value;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || !(key in DEFAULT_SETTINGS) || typeof DEFAULT_SETTINGS[key as keyof Settings] !== 'string') continue;
    if (isScalar(pair.value) && (typeof pair.value.value === 'number' || typeof pair.value.value === 'boolean') && pair.value.source !== undefined) {
      (value as Record<string, unknown>)[key] = pair.value.source;
    }
  }
  return value;
}

/**
 * Whether a seed reads as `host` or `host:port`: a typo in it is refused at
 * start-up rather than found later as a seed that never answers. A bare IPv6
 * address (several colons) has no port of its own.
 */
function isSeedAddress(seed: string): boolean {
  if (/\s/.test(seed)) return false;
  // An IPv6 address with a port is written in brackets, as Cassandra reads seeds: [::1]:7000.
  if (seed.startsWith('[')) {
    const bracketed = /^\[[^\]]+\](?::(\d{1,5}))?$/.exec(seed);
    return bracketed !== null && (bracketed[1] === undefined || (Number(bracketed[1]) >= 1 && Number(bracketed[1]) <= 65_535));
  }
  const parts = seed.split(':');
  if (parts.length !== 2) return parts.length > 2 || parts[0] !== '';
  const port = parts[1]!;
  return parts[0] !== '' && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535;
}

export function loadSettings(options: { configFile?: string; overrides?: Partial<Record<keyof Settings, unknown>> }): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  if (options.configFile) {
    let text: string;
    try {
      text = readFileSync(options.configFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.configFile}: ${(err as Error).message}`);
    }
    const doc = readYaml(text, options.configFile);
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
    const fault = numberFault(name, n);
    if (fault !== undefined) throw new ConfigError(`setting '${name}' in ${source} must be ${fault}, got ${JSON.stringify(raw)}`);
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
    const bad = (items as string[]).find((item) => !isSeedAddress(item));
    if (bad !== undefined) {
      throw new ConfigError(`setting '${name}' in ${source} must list addresses as host or host:port with a port from 1 to 65535, got ${JSON.stringify(bad)}`);
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
  // A string whose default is empty (a secret, a password, a file) may be set empty again: empty is its documented meaning.
  if (typeof raw !== 'string' || (raw === '' && expected !== '')) {
    throw new ConfigError(`setting '${name}' in ${source} must be a non-empty string, got ${JSON.stringify(raw)}`);
  }
  return raw;
}
