// A raw HTTP/2 client for what Node's own client refuses to do: open more streams than the server allows, reset
// streams as fast as it can, and never read. It writes frames by hand and reads back the frames that matter.
import type { Socket } from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
export const H2_CANCEL = 8;
export const H2_REFUSED_STREAM = 7;
export const H2_ENHANCE_YOUR_CALM = 11;

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

function literal(nameIndex: number, value: string): Buffer {
  // Literal header field without indexing, indexed name (4-bit prefix), raw string value (7-bit length prefix).
  const name = nameIndex < 15 ? Buffer.from([nameIndex]) : Buffer.from([0x0f, nameIndex - 15]);
  const v = Buffer.from(value);
  if (v.length >= 127) throw new Error("header value too long for this encoder");
  return Buffer.concat([name, Buffer.from([v.length]), v]);
}

/** A HEADERS frame for POST `path` (END_HEADERS; END_STREAM when `endStream`). */
export function postHeaders(streamId: number, path: string, contentType: string, endStream: boolean): Buffer {
  // Static table: 3 = :method POST, 6 = :scheme http, 1 = :authority, 4 = :path, 31 = content-type.
  const block = Buffer.concat([Buffer.from([0x83, 0x86]), literal(1, "localhost"), literal(4, path), literal(31, contentType)]);
  return frame(FRAME.HEADERS, 0x4 | (endStream ? 0x1 : 0), streamId, block);
}

export function rstStream(streamId: number, code = H2_CANCEL): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FRAME.RST_STREAM, 0, streamId, payload);
}

/** The client's opening: preface and an empty SETTINGS frame. */
export function opening(): Buffer {
  return Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]);
}

export interface FrameLog {
  /** RST_STREAM codes the server sent, by code. */
  resets: Map<number, number>;
  /** The first GOAWAY the server sent. */
  goaway?: { lastStreamId: number; code: number };
  headers: number;
}

/** Reads frames the server sends on `socket`, acknowledging its SETTINGS. */
export function readFrames(socket: Socket): FrameLog {
  const log: FrameLog = { resets: new Map(), headers: 0 };
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 9) {
      const length = buffer.readUIntBE(0, 3);
      if (buffer.length < 9 + length) break;
      const type = buffer[3]!;
      const flags = buffer[4]!;
      const payload = buffer.subarray(9, 9 + length);
      if (type === FRAME.SETTINGS && !(flags & 0x1) && !socket.destroyed) socket.write(frame(FRAME.SETTINGS, 0x1, 0));
      if (type === FRAME.RST_STREAM) {
        const code = payload.readUInt32BE(0);
        log.resets.set(code, (log.resets.get(code) ?? 0) + 1);
      }
      if (type === FRAME.GOAWAY) log.goaway ??= { lastStreamId: payload.readUInt32BE(0) & 0x7fffffff, code: payload.readUInt32BE(4) };
      if (type === FRAME.HEADERS) log.headers++;
      buffer = buffer.subarray(9 + length);
    }
  });
  return log;
}
