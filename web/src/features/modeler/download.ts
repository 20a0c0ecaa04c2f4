/** Offers a file to the user (an anchor with `download` on an object URL). */
export function saveFile(content: Blob | string, fileName: string, type = 'application/octet-stream'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export { requestBlob } from '../../api/request.js';

/** Reads a chosen file as text (BPMN XML). */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
