/**
 * TLS on the client port (client_encryption_options). Every new connection
 * is told apart by its first byte: a TLS handshake record starts with 0x16,
 * while a plain-text frame starts with the top byte of its length, which is
 * 0x16 only for a frame of 352 MiB or more, beyond any frame bound. So one
 * port serves both when `optional` is set; when it is not, a plain-text
 * client gets one Protocol error frame, in plain text, saying that TLS is
 * required, and the connection closes: the driver reports that sentence
 * instead of a bare connection reset.
 */
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { createPackr, encodeFrame } from '../util/framing.js';
import { ErrorCode } from '../util/errors.js';
import type { ClientEncryptionOptions } from '../util/settings.js';
import { pemOptions, readPemFiles, secureContextOf, type PemMaterial } from '../util/tls-files.js';
import { CONNECTION_STREAM, Opcode, PROTOCOL_VERSION, type Envelope, type ErrorBody } from './protocol.js';

/** The first byte of a TLS handshake record (RFC 8446, ContentType.handshake). */
const TLS_HANDSHAKE_RECORD = 0x16;

export const TLS_REQUIRED_MESSAGE =
  'this node accepts only TLS connections on its client port (client_encryption_options: enabled, not optional); ' +
  'connect with TLS (driver option ssl, sibylsh --ssl, sibyltool --ssl)';

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string) => void;

export class ClientTls {
  /** Never listens: it only runs the TLS handshake on sockets handed to it. */
  private readonly tlsServer: TlsServer;

  /**
   * Reads the PEM files now, so a bad file stops the node at start-up;
   * undefined when TLS is off. `ready` is given each socket to read frames
   * from, once it is known to speak an accepted protocol.
   */
  static fromSettings(options: ClientEncryptionOptions, handshakeTimeoutMs: number, log: LogFn, ready: (socket: Socket) => void): ClientTls | undefined {
    if (!options.enabled) return undefined;
    const setting = 'client_encryption_options';
    const material = readPemFiles(options, setting);
    secureContextOf(material, setting);
    return new ClientTls(options, material, handshakeTimeoutMs, log, ready);
  }

  private constructor(
    private readonly options: ClientEncryptionOptions,
    material: PemMaterial,
    handshakeTimeoutMs: number,
    private readonly log: LogFn,
    private readonly ready: (socket: Socket) => void,
  ) {
    this.tlsServer = createTlsServer({
      ...pemOptions(material),
      requestCert: options.require_client_auth,
      rejectUnauthorized: options.require_client_auth,
      handshakeTimeout: handshakeTimeoutMs,
    });
    this.tlsServer.on('secureConnection', (socket: TLSSocket) => this.ready(socket));
    this.tlsServer.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      this.log('warn', `TLS handshake with client ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`);
    });
  }

  /** Serves `socket` once its first byte shows what it speaks. */
  accept(socket: Socket): void {
    socket.on('error', () => {});
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE_RECORD) {
        this.tlsServer.emit('connection', socket);
      } else if (this.options.optional) {
        this.ready(socket);
      } else {
        this.refusePlainText(socket);
        return;
      }
      process.nextTick(() => socket.resume());
    });
  }

  private refusePlainText(socket: Socket): void {
    this.log('warn', `refusing plain-text client ${socket.remoteAddress}:${socket.remotePort}: client_encryption_options requires TLS`);
    const body: ErrorBody = { code: ErrorCode.Protocol, message: TLS_REQUIRED_MESSAGE, fields: {} };
    const frame = encodeFrame(createPackr(), { v: PROTOCOL_VERSION, s: CONNECTION_STREAM, o: Opcode.ERROR, b: body } satisfies Envelope);
    socket.end(frame);
  }
}
