import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { ALLOWED_EXTENSIONS, FILE_KINDS, UploadTooLarge, cleanFileName, contentMatches, discardUpload, extensionOf, keepUpload, receiveUpload, type StoredUpload } from '../routes/task-extras/file-store.js';
import { ReceptionError } from './reception.js';

/** Most files in one submission or supplement. */
export const MAX_FILES = 20;

export interface FormFile {
  /** form field: "doc:<requirement code>" for a required document, anything else = other */
  field: string;
  fileName: string;
  data: Buffer;
}

export interface ParsedForm {
  fields: Record<string, string>;
  files: FormFile[];
}

/** Thrown for a body over the limit; the route answers 413. */
export class FormTooLarge extends Error {}

/**
 * Parses a multipart/form-data body with the WHATWG FormData parser built into Node (undici), the
 * same one browsers' fetch uses. Text fields are trimmed; empty file inputs are skipped.
 */
export async function parseMultipart(body: Buffer, contentType: string): Promise<ParsedForm> {
  let form: FormData;
  try {
    form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ReceptionError(400, 'Dữ liệu biểu mẫu (multipart/form-data) không đọc được / Unreadable multipart/form-data body', 'BAD_MULTIPART');
  }
  const fields: Record<string, string> = {};
  const files: FormFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value.trim();
    else if (value.size > 0 || value.name) files.push({ field: name, fileName: value.name, data: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files: files.filter((f) => f.data.length > 0 || f.fileName) };
}

/** The requirement code a file field names ("doc:<code>"), or null. */
export const requirementOf = (field: string): string | null => (field.startsWith('doc:') ? field.slice(4) : null);

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export interface CheckedFile {
  requirementCode: string | null;
  fileName: string;
  mime: string;
  upload: StoredUpload;
}

/**
 * Checks every file like a task attachment (allowed types, content matching the extension, not
 * empty, at most maxBytes) and keeps them in temporary files. All or nothing: on the first refusal
 * the others are discarded and a ReceptionError (400 / 413 / 415) says which file and why.
 */
export async function checkFiles(files: FormFile[], filesRoot: string, maxBytes: number, knownCodes: Set<string>): Promise<CheckedFile[]> {
  if (files.length > MAX_FILES) throw new ReceptionError(400, `Tối đa ${MAX_FILES} tệp mỗi lần nộp / At most ${MAX_FILES} files per submission`, 'TOO_MANY_FILES');
  const out: CheckedFile[] = [];
  const fail = async (e: ReceptionError) => {
    for (const f of out) await discardUpload(f.upload);
    throw e;
  };
  for (const f of files) {
    const requirementCode = requirementOf(f.field);
    if (requirementCode !== null && !knownCodes.has(requirementCode)) await fail(new ReceptionError(400, `Thành phần hồ sơ "${requirementCode}" không có trong thủ tục / Unknown document "${requirementCode}"`, 'UNKNOWN_DOCUMENTS'));
    const fileName = cleanFileName(f.fileName || '');
    const ext = extensionOf(fileName);
    if (!fileName || !FILE_KINDS[ext]) await fail(new ReceptionError(415, `Tệp "${fileName || f.field}": loại tệp không được phép, chỉ nhận ${ALLOWED_EXTENSIONS.join(', ')} / File type not allowed`, 'FILE_TYPE'));
    if (f.data.length === 0) await fail(new ReceptionError(400, `Tệp "${fileName}" rỗng / The file is empty`, 'FILE_EMPTY'));
    if (f.data.length > maxBytes) await fail(new ReceptionError(413, `Tệp "${fileName}" vượt quá dung lượng cho phép ${mb(maxBytes)} / The file exceeds the ${mb(maxBytes)} limit`, 'FILE_TOO_LARGE'));
    let upload: StoredUpload;
    try {
      upload = await receiveUpload(Readable.from([f.data]), filesRoot, maxBytes);
    } catch (err) {
      if (err instanceof UploadTooLarge) await fail(new ReceptionError(413, `Tệp "${fileName}" quá lớn / The file is too large`, 'FILE_TOO_LARGE'));
      throw err;
    }
    if (!(await contentMatches(ext, upload))) {
      await discardUpload(upload);
      await fail(new ReceptionError(415, `Nội dung tệp "${fileName}" không đúng định dạng .${ext} (tệp bị đổi tên hoặc hỏng) / The content is not a .${ext} file`, 'FILE_CONTENT'));
    }
    out.push({ requirementCode, fileName, mime: FILE_KINDS[ext]!.mime, upload });
  }
  return out;
}

export async function discardFiles(files: CheckedFile[]): Promise<void> {
  for (const f of files) await discardUpload(f.upload);
}

/** Moves checked files into the store and records them for the dossier (the same content twice in a stage: once). */
export async function saveFiles(trx: Knex.Transaction, filesRoot: string, dossierId: string, stage: 'submission' | 'supplement' | 'result', files: CheckedFile[], by: string): Promise<void> {
  for (const f of files) {
    const storagePath = await keepUpload(filesRoot, f.upload);
    await trx('dossier_documents')
      .insert({ dossier_id: dossierId, requirement_code: f.requirementCode, stage, file_name: f.fileName, mime_type: f.mime, size_bytes: f.upload.size, sha256: f.upload.sha256, storage_path: storagePath, uploaded_by: by })
      .onConflict(['dossier_id', 'stage', 'sha256'])
      .ignore();
  }
}
