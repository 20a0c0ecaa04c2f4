import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import {
  ALLOWED_EXTENSIONS,
  FILE_KINDS,
  UploadTooLarge,
  cleanFileName,
  contentMatches,
  discardUpload,
  extensionOf,
  receiveUpload,
  type StoredUpload,
} from '../../../lib/file-store.js';
import { ReceptionError } from '../../../domain/onestop/reception.js';
import { claimedKind, SCAN_KINDS, scanKindOf } from '../../../domain/onestop/scans.js';
import type { CheckedFile } from '../../../domain/onestop/documents.js';
import { MAX_FORM_FIELD_BYTES } from '../../../lib/limits.js';

// A checked file is stored and recorded for its dossier by the domain (domain/onestop/documents.ts saveFiles).
export type { CheckedFile } from '../../../domain/onestop/documents.js';

/** Most files in one submission or supplement. */
export const MAX_FILES = 20;

/** A file of a form, streamed to a temporary file while the form was read. */
export interface FormFile {
  /** form field: "doc:<requirement code>" for a required document, anything else = other */
  field: string;
  /** the name the client gave (not cleaned yet) */
  fileName: string;
  /** the received content; null when it was over the size limit (nothing kept) */
  upload: StoredUpload | null;
  /** bytes received (over the limit: more than maxBytes) */
  size: number;
  /** the Content-Type the client declared for the part (a claim, never trusted) */
  contentType?: string;
}

export interface ParsedForm {
  fields: Record<string, string>;
  files: FormFile[];
}

/** Names of the fields of a form, as a refusal shows them (a client may send anything). */
const shownName = (name: string) => JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);

export interface ReadFormOptions {
  /** the file store; temporary files go to <filesRoot>/tmp */
  filesRoot: string;
  /** bytes of one file */
  maxFileBytes: number;
}

/**
 * Reads a multipart/form-data request as it arrives (@fastify/multipart, busboy): text fields of at
 * most MAX_FORM_FIELD_BYTES each (longer: 413 naming the field), at most 50 fields and 100 parts,
 * every file streamed to a temporary file (never held whole in memory) and cut off past
 * maxFileBytes. Text fields are trimmed; empty file inputs are skipped. On any refusal the files
 * received so far are removed. The caller owns the files afterwards (checkFiles, discardFiles).
 * The route's plugin registers @fastify/multipart with `throwFileSizeLimit: false` (the size is
 * judged here, per file, with the file's name in the answer).
 */
export async function readMultipart(req: FastifyRequest, opts: ReadFormOptions): Promise<ParsedForm> {
  if (!req.isMultipart()) throw new ReceptionError(415, 'Gửi biểu mẫu dạng multipart/form-data / Send the form as multipart/form-data', 'NOT_MULTIPART');
  const fields: Record<string, string> = {};
  const files: FormFile[] = [];
  try {
    const parts = req.parts({
      limits: {
        fieldNameSize: 100,
        fieldSize: MAX_FORM_FIELD_BYTES,
        fields: 50,
        files: 2 * MAX_FILES + 10,
        parts: 100,
        fileSize: opts.maxFileBytes + 1,
        headerPairs: 100,
      },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldnameTruncated)
          throw new ReceptionError(413, `Tên trường ${shownName(part.fieldname)} quá dài / A field name is too long`, 'FIELD_TOO_LONG');
        if (part.valueTruncated) {
          throw new ReceptionError(
            413,
            `Trường ${shownName(part.fieldname)} quá dài (tối đa ${MAX_FORM_FIELD_BYTES} byte) / The field ${shownName(part.fieldname)} is too long (at most ${MAX_FORM_FIELD_BYTES} bytes)`,
            'FIELD_TOO_LONG',
            { field: part.fieldname },
          );
        }
        fields[part.fieldname] = String(part.value ?? '').trim();
        continue;
      }
      const file: FormFile = { field: part.fieldname, fileName: part.filename ?? '', upload: null, size: 0, contentType: part.mimetype };
      try {
        file.upload = await receiveUpload(part.file, opts.filesRoot, opts.maxFileBytes);
        file.size = file.upload.size;
      } catch (err) {
        if (!(err instanceof UploadTooLarge)) throw err;
        file.size = opts.maxFileBytes + 1;
      }
      if (file.size === 0 && !file.fileName) {
        if (file.upload) await discardUpload(file.upload);
        continue;
      }
      files.push(file);
      if (files.length > MAX_FILES)
        throw new ReceptionError(400, `Tối đa ${MAX_FILES} tệp mỗi lần nộp / At most ${MAX_FILES} files per submission`, 'TOO_MANY_FILES', undefined, {
          max: MAX_FILES,
        });
    }
  } catch (err) {
    await discardFiles(files);
    if (err instanceof ReceptionError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_FILES_LIMIT') {
      throw new ReceptionError(413, 'Biểu mẫu có quá nhiều trường hoặc tệp / The form has too many fields or files', 'FORM_TOO_LARGE');
    }
    if (code === 'FST_PROTO_VIOLATION') throw new ReceptionError(400, 'Tên trường không hợp lệ / Invalid field name', 'BAD_MULTIPART');
    throw new ReceptionError(400, 'Dữ liệu biểu mẫu (multipart/form-data) không đọc được / Unreadable multipart/form-data body', 'BAD_MULTIPART');
  }
  return { fields, files };
}

/** The requirement code a file field names ("doc:<code>"), or null. */
export const requirementOf = (field: string): string | null => (field.startsWith('doc:') ? field.slice(4) : null);

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * The refusal of a form's files, all or nothing: every file is discarded before the error is thrown. A form
 * with more than MAX_FILES files is refused at once (400 TOO_MANY_FILES).
 */
async function allOrNothing(files: FormFile[]): Promise<(e: ReceptionError) => Promise<never>> {
  const fail = async (e: ReceptionError): Promise<never> => {
    await discardFiles(files);
    throw e;
  };
  if (files.length > MAX_FILES)
    await fail(
      new ReceptionError(400, `Tối đa ${MAX_FILES} tệp mỗi lần nộp / At most ${MAX_FILES} files per submission`, 'TOO_MANY_FILES', undefined, {
        max: MAX_FILES,
      }),
    );
  return fail;
}

/** Refuses (all or nothing, through `fail`) an empty file (400 FILE_EMPTY) or one over maxBytes (413 FILE_TOO_LARGE). */
async function assertSize(f: FormFile, fileName: string, maxBytes: number, fail: (e: ReceptionError) => Promise<never>): Promise<void> {
  if (f.size === 0) await fail(new ReceptionError(400, `Tệp "${fileName}" rỗng / The file is empty`, 'FILE_EMPTY', undefined, { file: fileName }));
  if (f.size > maxBytes || !f.upload)
    await fail(
      new ReceptionError(
        413,
        `Tệp "${fileName}" vượt quá dung lượng cho phép ${mb(maxBytes)} / The file exceeds the ${mb(maxBytes)} limit`,
        'FILE_TOO_LARGE',
        undefined,
        { file: fileName, max: mb(maxBytes) },
      ),
    );
}

/**
 * Checks every received file like a task attachment (allowed types, content matching the extension,
 * not empty, at most maxBytes), in the order sent. All or nothing: on the first refusal every file of
 * the form is discarded and a ReceptionError (400 / 413 / 415) says which file and why.
 */
export async function checkFiles(files: FormFile[], maxBytes: number, knownCodes: Set<string>): Promise<CheckedFile[]> {
  const out: CheckedFile[] = [];
  const fail = await allOrNothing(files);
  for (const f of files) {
    const requirementCode = requirementOf(f.field);
    if (requirementCode !== null && !knownCodes.has(requirementCode))
      await fail(
        new ReceptionError(
          400,
          `Thành phần hồ sơ "${requirementCode}" không có trong thủ tục / Unknown document "${requirementCode}"`,
          'UNKNOWN_DOCUMENTS',
          undefined,
          {
            codes: requirementCode,
          },
        ),
      );
    const fileName = cleanFileName(f.fileName || '');
    const ext = extensionOf(fileName);
    if (!fileName || !FILE_KINDS[ext])
      await fail(
        new ReceptionError(
          415,
          `Tệp "${fileName || f.field}": loại tệp không được phép, chỉ nhận ${ALLOWED_EXTENSIONS.join(', ')} / File type not allowed`,
          'FILE_TYPE',
          undefined,
          { file: fileName || f.field, allowed: ALLOWED_EXTENSIONS.join(', ') },
        ),
      );
    await assertSize(f, fileName, maxBytes, fail);
    const upload = f.upload!;
    if (!(await contentMatches(ext, upload))) {
      await fail(
        new ReceptionError(
          415,
          `Nội dung tệp "${fileName}" không đúng định dạng .${ext} (tệp bị đổi tên hoặc hỏng) / The content is not a .${ext} file`,
          'FILE_CONTENT',
          undefined,
          { file: fileName, ext },
        ),
      );
    }
    out.push({ requirementCode, fileName, mime: FILE_KINDS[ext].mime, upload });
  }
  return out;
}

/** Removes the temporary files of a form (received or checked); files already moved into the store are not touched. */
export async function discardFiles(files: { upload: StoredUpload | null }[]): Promise<void> {
  for (const f of files) if (f.upload) await discardUpload(f.upload);
}

/** The document code a scan field names ("scan:<code>"), or null. */
export const scanOf = (field: string): string | null => (field.startsWith('scan:') ? field.slice(5) : null);

/**
 * Checks the scans of a paper dossier taken at the desk (fields "scan:<document code>"), all or
 * nothing: every file must be a field "scan:<code>" (else 400 SCAN_NOT_EXPECTED), not empty, at most
 * maxBytes (413 FILE_TOO_LARGE), and a PDF, JPEG or PNG by its first bytes, agreeing with what the
 * client claimed (its Content-Type, else its extension): otherwise 415 SCAN_CONTENT. The stored type is
 * the one read from the bytes. On a refusal every file of the form is discarded.
 */
export async function checkScans(files: FormFile[], maxBytes: number): Promise<CheckedFile[]> {
  const out: CheckedFile[] = [];
  const fail = await allOrNothing(files);
  for (const f of files) {
    const code = scanOf(f.field);
    if (!code)
      await fail(
        new ReceptionError(
          400,
          `Tệp gửi kèm không gắn với giấy tờ nào (${shownName(f.field)}) / A file is not a scan of a document`,
          'SCAN_NOT_EXPECTED',
          undefined,
          {
            codes: shownName(f.field),
          },
        ),
      );
    const fileName = cleanFileName(f.fileName || '') || `${code}`;
    await assertSize(f, fileName, maxBytes, fail);
    const upload = f.upload!;
    const kind = scanKindOf(upload.head);
    const claimed = claimedKind(f.contentType, extensionOf(fileName));
    if (!kind || (claimed !== null && claimed !== kind)) {
      const claim = [f.contentType, extensionOf(fileName) && `.${extensionOf(fileName)}`].filter(Boolean).join(', ') || '—';
      await fail(
        new ReceptionError(
          415,
          `Tệp scan "${fileName}" không phải là PDF, JPEG hoặc PNG như khai báo (${claim}): nội dung tệp không khớp / The scan is not the PDF, JPEG or PNG it claims`,
          'SCAN_CONTENT',
          undefined,
          { file: fileName, claimed: claim },
        ),
      );
    }
    out.push({ requirementCode: code, fileName, mime: SCAN_KINDS[kind!].mime, upload });
  }
  return out;
}
