// Uploads and downloads of message files (images, audio, video, files), the contract the facade codes against:
//
//   POST {baseUrl}/chatwire/files   authorization: Bearer <session token>, content-type: <MIME>,
//        x-chatwire-file-name: <percent-encoded name>, body: the raw bytes
//     → 200 {"uuid", "url", "size", "contentType", "image"?: {"width", "height", "format",
//            "imageInfoArray": [{"sizeType", "type", "width", "height", "size", "url"}]}}
//     → 4xx {"code": <official code>, "message"}: 401 990003 (no live session), 400 70402 (bad header),
//       413 2253 / 2301 / 2351 / 2402 (image / audio / video / other file over its limit)
//   GET {baseUrl}/chatwire/files/{uuid}[/large|/thumb]: the bytes, with Range and cache headers.
//
// The body is streamed to the FileStore with the limit enforced while reading, never buffered whole. Image sizes
// come from the header (image-size); the large (720 px) and thumbnail (198 px) renditions are made with sharp,
// and an image sharp cannot read is served as its original for every size, with the original's dimensions.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { imageSize } from "image-size";
import type { Clock } from "../clock.js";
import { bearerToken } from "../http/bearer-token.js";
import { messageOf } from "../rpc/chat-error.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import { TooLargeError, type FileStore } from "./file-storage.js";
import type { FileRecordStore, ImageInfo, UploadedFile } from "./file-store.js";

export const FILES_PATH = "/chatwire/files";

export interface FileOptions {
  /** The most bytes an image may have. Default 20 MB (the official limit). */
  maxImageBytes: number;
  /** The most bytes any other file (audio, video, file) may have. Default 100 MB (the official limit). */
  maxFileBytes: number;
}

export const defaultFileOptions: FileOptions = { maxImageBytes: 20 << 20, maxFileBytes: 100 << 20 };

export interface FileDeps {
  sessions: SessionRegistry;
  records: FileRecordStore;
  store: FileStore;
  clock: Clock;
  options: FileOptions;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** The official ImagePayload format codes. */
const FORMAT_CODES: Record<string, number> = { jpg: 1, gif: 2, png: 3, bmp: 4 };
/** Renditions: the official server numbering (sizeType 1 original, 2 large, 3 thumbnail) and the SDK's `type`. */
const RENDITIONS = [
  { variant: "", sizeType: 1, type: 0, side: 0 },
  { variant: "large", sizeType: 2, type: 2, side: 720 },
  { variant: "thumb", sizeType: 3, type: 1, side: 198 },
] as const;
const HEADER_BYTES = 128 * 1024;
const MAX_NAME_BYTES = 255;

interface StoredImage extends ImageInfo {
  renditions: { variant: string; width: number; height: number; size: number; own: boolean }[];
}

function sendJson(res: Response, status: number, body: unknown): void {
  (res as ServerResponse).writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

function fail(res: Response, status: number, code: number, message = messageOf(code)): void {
  sendJson(res, status, { code, message });
}

function sizeLimitCode(contentType: string): number {
  if (contentType.startsWith("image/")) return 2253;
  if (contentType.startsWith("audio/")) return 2301;
  if (contentType.startsWith("video/")) return 2351;
  return 2402;
}

function baseUrlOf(req: Request): string {
  const host = req.headers[":authority"] ?? req.headers.host ?? "localhost";
  const proto = (req.headers["x-forwarded-proto"] as string | undefined) ?? "http";
  return `${proto}://${host}`;
}

export class Files {
  constructor(private readonly deps: FileDeps) {}

  /** Serves /chatwire/files requests; returns false for other paths. */
  handle(req: Request, res: Response, path: string): boolean {
    if (path === FILES_PATH && req.method === "POST") {
      void this.upload(req, res).catch(() => fail(res, 500, 990002));
      return true;
    }
    const match = /^\/chatwire\/files\/([0-9a-f]{32})(?:\/(large|thumb))?$/.exec(path);
    if (match && (req.method === "GET" || req.method === "HEAD")) {
      void this.download(req, res, match[1]!, match[2] ?? "").catch(() => fail(res, 500, 990002));
      return true;
    }
    if (path === FILES_PATH || path.startsWith(`${FILES_PATH}/`)) {
      fail(res, path === FILES_PATH ? 405 : 404, 70402, "not a file route");
      return true;
    }
    return false;
  }

  /** An uploaded file's bytes and name (e.g. audio to transcribe); undefined when unknown or over `maxBytes`. */
  async bytes(uuid: string, maxBytes: number): Promise<{ bytes: Uint8Array; fileName: string } | undefined> {
    const file = /^[0-9a-f]{32}$/.test(uuid) ? await this.deps.records.get(uuid) : undefined;
    if (!file || file.size > maxBytes) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.deps.store.read(uuid)) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), fileName: file.name };
  }

  private async upload(req: Request, res: Response): Promise<void> {
    const session = this.deps.sessions.get(bearerToken(req.headers["authorization"]));
    if (!session) {
      req.resume();
      return fail(res, 401, 990003);
    }
    this.deps.sessions.touch(session);
    const contentType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    let name = "";
    try {
      name = decodeURIComponent(String(req.headers["x-chatwire-file-name"] ?? ""));
    } catch {
      // reported below
    }
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(contentType) || name === "" || Buffer.byteLength(name) > MAX_NAME_BYTES) {
      req.resume();
      return fail(res, 400, 70402, "content-type and a percent-encoded x-chatwire-file-name (at most 255 bytes) are required");
    }
    const image = contentType.startsWith("image/");
    const limit = image ? this.deps.options.maxImageBytes : this.deps.options.maxFileBytes;
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > limit) {
      req.resume();
      return fail(res, 413, sizeLimitCode(contentType), `the file exceeds ${limit} bytes`);
    }
    const uuid = randomBytes(16).toString("hex");
    const header: Buffer[] = [];
    let headerBytes = 0;
    let size: number;
    try {
      size = await this.deps.store.put(uuid, req as unknown as NodeJS.ReadableStream as never, limit, (chunk) => {
        if (image && headerBytes < HEADER_BYTES) {
          header.push(chunk);
          headerBytes += chunk.length;
        }
      });
    } catch (err) {
      if (err instanceof TooLargeError) {
        fail(res, 413, sizeLimitCode(contentType), `the file exceeds ${limit} bytes`);
        req.destroy();
        return;
      }
      throw err;
    }
    const info = image ? await this.describeImage(uuid, Buffer.concat(header), size) : undefined;
    const file: UploadedFile = { uuid, ownerId: session.userId, contentType, name, size, image: info, createTime: this.deps.clock.now() };
    await this.deps.records.put(file);
    sendJson(res, 200, this.describe(file, baseUrlOf(req)));
  }

  /** Dimensions from the header; large and thumbnail renditions made with sharp when it can read the image. */
  private async describeImage(uuid: string, header: Buffer, size: number): Promise<StoredImage | undefined> {
    let dims: { width?: number; height?: number; type?: string };
    try {
      dims = imageSize(header);
    } catch {
      return undefined;
    }
    const width = dims.width ?? 0;
    const height = dims.height ?? 0;
    const format = FORMAT_CODES[dims.type ?? ""] ?? 255;
    const renditions: StoredImage["renditions"] = [];
    for (const r of RENDITIONS) {
      const made = r.side > 0 && Math.max(width, height) > r.side ? await this.resize(uuid, r.variant, r.side) : undefined;
      renditions.push(made ? { variant: r.variant, ...made, own: true } : { variant: r.variant, width, height, size, own: false });
    }
    return { width, height, format, renditions };
  }

  private async resize(uuid: string, variant: string, side: number): Promise<{ width: number; height: number; size: number } | undefined> {
    const path = this.deps.store.localPath?.(uuid);
    if (!path) return undefined;
    try {
      const sharp = (await import("sharp")).default;
      const { data, info } = await sharp(path, { limitInputPixels: 50_000_000 })
        .rotate()
        .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
        .toBuffer({ resolveWithObject: true });
      await this.deps.store.putBytes(`${uuid}.${variant}`, data);
      return { width: info.width, height: info.height, size: info.size };
    } catch {
      return undefined; // not an image sharp reads: the original serves every size
    }
  }

  private describe(file: UploadedFile, base: string) {
    const url = `${base}${FILES_PATH}/${file.uuid}`;
    const image = file.image as StoredImage | undefined;
    return {
      uuid: file.uuid,
      url,
      size: file.size,
      contentType: file.contentType,
      ...(image
        ? {
            image: {
              width: image.width,
              height: image.height,
              format: image.format,
              imageInfoArray: RENDITIONS.map((r, i) => {
                const made = image.renditions[i]!;
                return {
                  sizeType: r.sizeType,
                  type: r.type,
                  width: made.width,
                  height: made.height,
                  size: made.size,
                  url: made.own ? `${url}/${r.variant}` : url,
                };
              }),
            },
          }
        : {}),
    };
  }

  private async download(req: Request, res: Response, uuid: string, variant: string): Promise<void> {
    const file = await this.deps.records.get(uuid);
    const image = file?.image as StoredImage | undefined;
    const own = variant !== "" && image?.renditions.find((r) => r.variant === variant)?.own;
    if (!file || (variant !== "" && !image)) return fail(res, 404, 70402, "no such file");
    const key = own ? `${uuid}.${variant}` : uuid;
    const size = await this.deps.store.size(key);
    if (size === undefined) return fail(res, 404, 70402, "no such file");
    const etag = `"${key}"`;
    const out = res as ServerResponse;
    const inline = /^(image|audio|video)\//.test(file.contentType);
    const headers: Record<string, string | number> = {
      // sharp writes a rendition in the original's format.
      "content-type": file.contentType,
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      "accept-ranges": "bytes",
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    };
    if (req.headers["if-none-match"] === etag) {
      out.writeHead(304, headers).end();
      return;
    }
    let range: { start: number; end: number } | undefined;
    const spec = req.headers["range"];
    if (typeof spec === "string") {
      const m = /^bytes=(\d*)-(\d*)$/.exec(spec.trim());
      let start = m ? (m[1] === "" ? size - Number(m[2]) : Number(m[1])) : NaN;
      let end = m ? (m[1] === "" || m[2] === "" ? size - 1 : Number(m[2])) : NaN;
      start = Math.max(0, start);
      end = Math.min(size - 1, end);
      if (!m || !(start <= end)) {
        out.writeHead(416, { "content-range": `bytes */${size}` }).end();
        return;
      }
      range = { start, end };
    }
    if (range) {
      out.writeHead(206, { ...headers, "content-length": range.end - range.start + 1, "content-range": `bytes ${range.start}-${range.end}/${size}` });
    } else out.writeHead(200, { ...headers, "content-length": size });
    if (req.method === "HEAD") {
      out.end();
      return;
    }
    const stream = this.deps.store.read(key, range);
    stream.on("error", () => out.destroy());
    stream.pipe(out);
  }
}
