/** Real protocol servers on loopback backed by FakeProcessor, for driver tests. */
import { ProtocolServer } from '../../../src/transport/server.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';
import { FakeProcessor } from '../transport/fake-processor.js';

export interface TestServer {
  processor: FakeProcessor;
  server: ProtocolServer;
  port: number;
  address: string;
}

export async function startServer(port = 0): Promise<TestServer> {
  const processor = new FakeProcessor();
  const server = new ProtocolServer({ processor, settings: DEFAULT_SETTINGS, log: () => {} });
  const bound = await server.listen('127.0.0.1', port);
  return { processor, server, port: bound.port, address: `127.0.0.1:${bound.port}` };
}

/**
 * The calls a test's own requests made: the driver also reads the cluster's
 * description (system.local, system.peers, system_schema.keyspaces) through
 * its control connection, which a fake server answers with no rows.
 */
export function userCalls(processor: FakeProcessor): FakeProcessor['calls'] {
  return processor.calls.filter((c) => !(c.op === 'query' && /\bFROM system(_schema)?\./.test(c.cql ?? '')));
}

export const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
