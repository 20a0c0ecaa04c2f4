import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/** Default upper bound of one attachment (ATTACHMENT_MAX_BYTES overrides it). */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const startsWith = (head: Buffer, bytes: number[]) => bytes.every((b, i) => head[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** An allowed kind of file: its content type and how its first bytes (and, for OOXML, its parts) must look. */
interface FileKind {
  mime: string;
  matches: (head: Buffer, whole: () => Promise<Buffer>) => Promise<boolean>;
}

/** OOXML documents are zip files whose part names (stored uncompressed in the zip headers) say which kind. */
const ooxml = (part: string) => async (head: Buffer, whole: () => Promise<Buffer>) => {
  if (!startsWith(head, ZIP)) return false;
  const data = await whole();
  return data.includes('[Content_Types].xml') && data.includes(part);
};

/** The allow-list: extension -> content type and magic bytes. */
export const FILE_KINDS: Record<string, FileKind> = {
  pdf: { mime: 'application/pdf', matches: async (h) => startsWith(h, [0x25, 0x50, 0x44, 0x46, 0x2d]) }, // %PDF-
  png: { mime: 'image/png', matches: async (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  jpg: { mime: 'image/jpeg', matches: async (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  jpeg: { mime: 'image/jpeg', matches: async (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: ooxml('word/') },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: ooxml('xl/') },
  doc: { mime: 'application/msword', matches: async (h) => startsWith(h, OLE2) },
  xls: { mime: 'application/vnd.ms-excel', matches: async (h) => startsWith(h, OLE2) },
};
export const ALLOWED_EXTENSIONS = Object.keys(FILE_KINDS);

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

/**
 * A file name safe to store and show: the last path segment, no control or bidi-override characters,
 * no leading dots, at most 200 characters (extension kept). Vietnamese letters are kept.
 */
export function cleanFileName(raw: string): string {
  let name = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  name = name
    // eslint-disable-next-line no-control-regex -- control characters are what this pattern removes
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"<>:|?*]/g, '')
    .trim()
    .replace(/^\.+/, '');
  if (name.length > 200) {
    const ext = extensionOf(name);
    name = `${name.slice(0, 200 - ext.length - 1)}.${ext}`;
  }
  return name;
}

/** Content-Disposition for a download (or a document shown inline): an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._ -]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii || 'file'}"; filename*=UTF-8''${encoded}`;
}

export class UploadTooLarge extends Error {}

export interface StoredUpload {
  sha256: string;
  size: number;
  /** Temporary file holding the content until it is moved into place or discarded. */
  tmpPath: string;
  head: Buffer;
}

/**
 * Streams a body to a temporary file under `root`, hashing it. Beyond `maxBytes` nothing more is
 * written and the rest of the body is drained (so the client receives the 413 rather than a reset
 * connection), up to as much again; a client that keeps sending after that is cut off.
 */
export async function receiveUpload(body: Readable, root: string, maxBytes: number): Promise<StoredUpload> {
  const tmpDir = path.join(root, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmpPath = path.join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > 2 * maxBytes) return done(new UploadTooLarge());
      if (size > maxBytes) return done();
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(tmpPath, { mode: 0o600 }));
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  }
  if (size > maxBytes) {
    await rm(tmpPath, { force: true });
    throw new UploadTooLarge();
  }
  return { sha256: hash.digest('hex'), size, tmpPath, head };
}

/** Whether the received content really is a file of kind `ext` (magic bytes, OOXML parts). */
export async function contentMatches(ext: string, upload: StoredUpload): Promise<boolean> {
  const kind = FILE_KINDS[ext];
  return kind ? kind.matches(upload.head, () => readFile(upload.tmpPath)) : false;
}

/** Moves a received file to its content address <root>/<sha[0..2]>/<sha>; the same content is kept once. Returns the relative path. */
export async function keepUpload(root: string, upload: StoredUpload): Promise<string> {
  const relative = path.join(upload.sha256.slice(0, 2), upload.sha256);
  const target = path.join(root, relative);
  await mkdir(path.dirname(target), { recursive: true });
  const exists = await stat(target).then(
    (s) => s.size === upload.size,
    () => false,
  );
  if (exists) await rm(upload.tmpPath, { force: true });
  else await rename(upload.tmpPath, target);
  return relative;
}

export async function discardUpload(upload: StoredUpload): Promise<void> {
  await rm(upload.tmpPath, { force: true });
}

/** Opens a stored file for reading; null when it is missing on disk. */
export async function openStored(root: string, relative: string) {
  const full = path.resolve(root, relative);
  if (!full.startsWith(path.resolve(root) + path.sep)) return null;
  return open(full, 'r').catch(() => null);
}
