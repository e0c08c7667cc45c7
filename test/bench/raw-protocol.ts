/** The raw bound's request and reply bodies, shared by raw-replica.ts and raw-bound.ts. */

/** A request: `w` carries a value to store, `r` asks for one. */
export interface RawRequest {
  id: number;
  op: 'w' | 'r';
  key: Buffer;
  value?: Buffer;
}

export interface RawReply {
  id: number;
  value?: Buffer;
}

export const RAW_FRAME_BYTES_MAX = 1 << 20;
