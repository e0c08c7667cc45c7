/**
 * The raw bound of this machine for a replicated store: raw-replica processes
 * on 127.0.0.1, .2, ... and a client in this process that sends every request
 * to all of them over loopback with the project's framing (socket writes
 * coalesced per turn) and counts it done at the quorum-th reply. Writes batch
 * per turn on each replica; reads use getSync. No database does less work
 * per operation, so Sibyl's figures are read against these: three replicas
 * and a quorum of two for the cluster benchmark, one replica for the
 * single-node benchmark's floor of a networked store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPackr, encodeFrame, FrameDecoder, FrameWriter } from '../../src/util/framing.js';
import { RAW_FRAME_BYTES_MAX, type RawReply, type RawRequest } from './raw-protocol.js';

const REPLICA_JS = join(dirname(fileURLToPath(import.meta.url)), 'raw-replica.js');

export interface RawCluster {
  /** Sends one request to every replica; resolves at the quorum-th reply. */
  request(op: 'w' | 'r', key: Buffer, value?: Buffer): Promise<void>;
  close(): Promise<void>;
  /** The replica processes, for CPU accounting. */
  pids: number[];
}

interface Replica {
  child: ChildProcess;
  socket: Socket;
  writer: FrameWriter;
}

/** Starts `replicas` raw replicas (default three, answering at two replies) on `port`. */
export async function startRawCluster(baseDir: string, port: number, replicaCount = 3, quorum = Math.floor(replicaCount / 2) + 1): Promise<RawCluster> {
  const hosts = Array.from({ length: replicaCount }, (_, i) => `127.0.0.${i + 1}`);
  const packr = createPackr();
  const waiting = new Map<number, { replies: number; resolve: () => void }>();
  let nextId = 0;

  const onReply = (reply: RawReply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    if (++w.replies === quorum) w.resolve();
    if (w.replies === hosts.length) waiting.delete(reply.id);
  };

  const replicas: Replica[] = await Promise.all(
    hosts.map(async (host, i): Promise<Replica> => {
      const child = spawn(process.execPath, [REPLICA_JS, host, String(port), resolve(baseDir, `raw${i + 1}`)], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((res, rej) => {
        child.once('exit', (code) => rej(new Error(`raw replica on ${host} exited with ${code}`)));
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (text: string) => {
          if (text.includes('listening')) res();
        });
      });
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      await new Promise<void>((res, rej) => {
        socket.once('connect', res);
        socket.once('error', rej);
      });
      const decoder = new FrameDecoder(RAW_FRAME_BYTES_MAX, 'raw_frame_bytes_max');
      socket.on('data', (chunk: Buffer) => {
        for (const body of decoder.push(chunk)) onReply(body as RawReply);
      });
      return { child, socket, writer: new FrameWriter(socket) };
    }),
  );

  return {
    pids: replicas.map((r) => r.child.pid!),
    request(op, key, value) {
      const id = nextId++;
      const frame = encodeFrame(packr, { id, op, key, value } satisfies RawRequest);
      return new Promise<void>((res) => {
        waiting.set(id, { replies: 0, resolve: res });
        for (const r of replicas) r.writer.write(frame);
      });
    },
    async close() {
      for (const r of replicas) r.socket.destroy();
      await Promise.all(
        replicas.map(
          (r) =>
            new Promise<void>((res) => {
              r.child.once('exit', () => res());
              r.child.stdin!.end();
            }),
        ),
      );
    },
  };
}
