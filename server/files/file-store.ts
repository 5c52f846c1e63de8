// The uploaded-file table: what the server knows of each upload (owner, type, name, size, image dimensions); the
// bytes themselves live in a FileStore (file-storage.ts).
import type { Db } from "../storage/db.js";

export interface UploadedFileTable {
  uuid: string;
  owner_id: string;
  content_type: string;
  /** The file name the client gave, decoded. */
  name: string;
  size: number;
  /** JSON of the image's dimensions and renditions ("" when not an image). */
  image: string;
  create_time: number;
}

export interface FileTables {
  uploaded_file: UploadedFileTable;
}

export interface UploadedFile {
  uuid: string;
  ownerId: string;
  contentType: string;
  name: string;
  size: number;
  image?: ImageInfo;
  createTime: number;
}

/** An image's dimensions and format, as the official ImagePayload describes them. */
export interface ImageInfo {
  width: number;
  height: number;
  /** The official image format code: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other. */
  format: number;
}

export interface FileRecordStore {
  put(file: UploadedFile): Promise<void>;
  get(uuid: string): Promise<UploadedFile | undefined>;
}

export function createFileRecordStore(db: Db): FileRecordStore {
  return {
    async put(f) {
      await db.batch((trx) =>
        trx
          .insertInto("uploaded_file")
          .values({
            uuid: f.uuid,
            owner_id: f.ownerId,
            content_type: f.contentType,
            name: f.name,
            size: f.size,
            image: f.image ? JSON.stringify(f.image) : "",
            create_time: f.createTime,
          })
          .execute(),
      );
    },
    async get(uuid) {
      const row = await db.kysely.selectFrom("uploaded_file").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      if (!row) return undefined;
      return {
        uuid: row.uuid,
        ownerId: row.owner_id,
        contentType: row.content_type,
        name: row.name,
        size: Number(row.size),
        image: row.image ? (JSON.parse(row.image) as ImageInfo) : undefined,
        createTime: Number(row.create_time),
      };
    },
  };
}
