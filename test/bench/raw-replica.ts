/**
 * One replica of the raw bound (test/bench/cluster.ts): a process that
 * listens on host:port with the project's framing, applies every write it
 * receives in one event-loop turn as one classic-level batch, answers reads
 * with getSync, and replies to each request by id. It does nothing a
 * database would do besides that, so its throughput is what this machine
 * allows three replicas on loopback to do.
 *
 *   node dist/test/bench/raw-replica.js <host> <port> <dataDir>
 *
 * It prints `listening <port>` once ready and exits when stdin closes.
 */
import { createServer, type Socket } from 'node:net';
import { ClassicLevel } from 'classic-level';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../../src/util/framing.js';
import { RAW_FRAME_BYTES_MAX, type RawReply, type RawRequest } from './raw-protocol.js';

async function main(): Promise<void> {
  const [host, portText, dataDir] = process.argv.slice(2);
  if (!host || !portText || !dataDir) throw new Error('usage: raw-replica.js <host> <port> <dataDir>');
  const db = new ClassicLevel<Buffer, Buffer>(dataDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const packr = createPackr();

  // Writes of one turn, with the replies they owe once their batch is applied.
  let pending: { type: 'put'; key: Buffer; value: Buffer }[] = [];
  let waiting: { writer: FrameWriter; id: number }[] = [];
  let scheduled = false;
  const flushWrites = () => {
    scheduled = false;
    const ops = pending;
    const owed = waiting;
    pending = [];
    waiting = [];
    db.batch(ops).then(
      () => {
        for (const { writer, id } of owed) writer.write(encodeFrame(packr, { id } satisfies RawReply));
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };

  const serve = (socket: Socket) => {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(RAW_FRAME_BYTES_MAX, 'raw_frame_bytes_max');
    const writer = new FrameWriter(socket);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const body of decoder.push(chunk)) {
        const req = body as RawRequest;
        if (req.op === 'r') {
          writer.write(encodeFrame(packr, { id: req.id, value: db.getSync(req.key) } satisfies RawReply));
          continue;
        }
        pending.push({ type: 'put', key: req.key, value: req.value! });
        waiting.push({ writer, id: req.id });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flushWrites);
        }
      }
    });
  };

  const server = createServer(serve);
  server.listen(Number(portText), host, () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : portText}`);
  });
  process.stdin.on('end', () => {
    server.close();
    void db.close().then(() => process.exit(0));
  });
  process.stdin.resume();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
