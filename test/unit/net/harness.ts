/** Messaging services on loopback port 0 for tests, with their log lines captured. */
import { connect, type Socket } from 'node:net';
import { SystemClock } from '../../../src/clock/clock.js';
import { MessagingService } from '../../../src/net/messaging.js';
import { createLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/util/settings.js';

export interface TestNode {
  messaging: MessagingService;
  logs: string[];
  settings: Settings;
}

export class Cluster {
  private readonly nodes: TestNode[] = [];
  private readonly sockets: Socket[] = [];

  async start(overrides: Partial<Settings> = {}, frameBytesMax?: number): Promise<TestNode> {
    const clock = new SystemClock();
    const settings: Settings = { ...DEFAULT_SETTINGS, storage_port: 0, ...overrides };
    const logs: string[] = [];
    const log = createLogger(clock, { level: 'debug', sink: (line) => logs.push(line) });
    const messaging = new MessagingService({ settings, clock, log, ...(frameBytesMax === undefined ? {} : { frameBytesMax }) });
    await messaging.listen();
    const node = { messaging, logs, settings };
    this.nodes.push(node);
    return node;
  }

  /** A raw socket to a node's internode port; closed with the cluster. */
  raw(node: TestNode): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(node.messaging.address().port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
      this.sockets.push(socket);
    });
  }

  async closeAll(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.nodes.map((n) => n.messaging.close()));
    this.nodes.length = 0;
    this.sockets.length = 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when the socket closes, or with false after `ms`. */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polls until `check` holds, failing after `ms`. */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
