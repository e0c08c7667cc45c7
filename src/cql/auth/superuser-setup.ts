/**
 * The first superuser. When system_auth holds no role at all, one node
 * creates the role `auth_superuser_name` (superuser, can log in) with the
 * password `auth_superuser_password`, or, when none is configured, with a
 * random 24-character password that it prints once in its log. Cassandra's
 * well-known cassandra/cassandra login is never created.
 *
 * It waits auth_superuser_setup_delay after start so a node that joins a
 * cluster reads the roles that already exist there, and only the live node
 * with the smallest internode endpoint creates the role, so nodes started
 * together do not each create one. Failures (too few replicas up yet) are
 * retried after the same delay until it is done.
 */
import type { Clock, Timer } from '../../clock/clock.js';
import type { Logger } from '../../util/log.js';
import type { Settings } from '../../util/settings.js';
import { cryptoRandom, type RandomSource } from '../timeuuid.js';
import type { AccessControl } from './access-control.js';

export interface SuperuserSetupOptions {
  access: AccessControl;
  settings: Settings;
  clock: Clock;
  log: Logger;
  /** Whether this node should create the role (the smallest live endpoint does). */
  isCreator: () => boolean;
  random?: RandomSource;
}

/** Length of a generated password's random part, in bytes (base64url: 24 characters). */
const GENERATED_PASSWORD_BYTES = 18;
/** Retry delay when auth_superuser_setup_delay is 0, so a failing attempt cannot spin. */
const RETRY_DELAY_MS_MIN = 500;

export class SuperuserSetup {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly opts: SuperuserSetupOptions) {}

  start(): void {
    this.schedule(this.opts.settings.auth_superuser_setup_delay);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.attempt().then(
        (done) => {
          if (!done) this.schedule(Math.max(this.opts.settings.auth_superuser_setup_delay, RETRY_DELAY_MS_MIN));
        },
        (err: unknown) => {
          this.opts.log.warn(`Setting up the first superuser failed, will retry: ${(err as Error).message}`);
          this.schedule(Math.max(this.opts.settings.auth_superuser_setup_delay, RETRY_DELAY_MS_MIN));
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** True once roles exist (made here or elsewhere); false to try again later. */
  private async attempt(): Promise<boolean> {
    const { access, settings, log } = this.opts;
    if ((await access.store.roles()).length > 0) return true;
    if (!this.opts.isCreator()) return false;
    const name = settings.auth_superuser_name;
    const configured = settings.auth_superuser_password !== '';
    const password = configured ? settings.auth_superuser_password : (this.opts.random ?? cryptoRandom).bytes(GENERATED_PASSWORD_BYTES).toString('base64url');
    await access.store.putRole(name, { superuser: true, login: true, saltedHash: await access.hash(password) });
    access.forgetRole(name);
    if (configured) {
      log.info(`Created superuser role '${name}' with the password set by auth_superuser_password`);
    } else {
      log.warn(
        `Created superuser role '${name}' with generated password: ${password} ` +
          `(shown only this once; log in with it and change it with ALTER ROLE ${name} WITH PASSWORD = '...')`,
      );
    }
    return true;
  }
}
