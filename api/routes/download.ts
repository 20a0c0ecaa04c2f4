import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { contentDisposition } from '../../lib/file-store.js';

/** The types of the documents the server makes. */
const MIME = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
} as const;

export interface Download {
  /** the name the browser saves the file under */
  name: string;
  /** a document the server makes (pdf, xlsx, zip), or the stored file's own MIME type */
  type: keyof typeof MIME | (string & {});
  body: Buffer | Readable;
  /** shown in the browser (a PDF to read or print) rather than saved */
  inline?: boolean;
  /** the name is given as an ASCII fallback and the exact UTF-8 name (RFC 6266); else it goes quoted as it is (a name we make from codes and dates) */
  utf8Name?: boolean;
  /** a file a person uploaded: its size, its exact name, and nosniff (its type is the uploader's word) */
  upload?: { size: number | string };
  /** a personal or audited document: cache-control private, no-store */
  noStore?: boolean;
  /** further headers of the route */
  headers?: Record<string, string>;
}

/** Sends a file to download (or to show inline) with its Content-Disposition, type and cache headers. */
export function sendFile(reply: FastifyReply, f: Download): FastifyReply {
  const disposition = f.inline ? 'inline' : 'attachment';
  reply.type(Object.hasOwn(MIME, f.type) ? MIME[f.type as keyof typeof MIME] : f.type);
  if (f.upload) reply.header('content-length', String(f.upload.size));
  reply.header('content-disposition', f.utf8Name || f.upload ? contentDisposition(f.name, disposition) : `${disposition}; filename="${f.name}"`);
  if (f.upload) reply.header('x-content-type-options', 'nosniff');
  if (f.noStore) reply.header('cache-control', 'private, no-store');
  for (const [k, v] of Object.entries(f.headers ?? {})) reply.header(k, v);
  return reply.send(f.body);
}
