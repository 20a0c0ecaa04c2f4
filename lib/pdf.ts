import { createRequire } from 'node:module';

// pdfmake ships no types; the little we use of its server API.
interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: object): { getBuffer(): Promise<Buffer> };
}
const require = createRequire(import.meta.url);
let pdfmake: PdfMake | undefined;

/**
 * The one pdfmake of the process (procedure sheet, receipt slip, apology letter, case summary):
 * Roboto, bundled with pdfmake, covers Vietnamese diacritics; no document may load anything but
 * those font files (no URLs, no other local files).
 */
export function printer(): PdfMake {
  if (pdfmake) return pdfmake;
  pdfmake = require('pdfmake') as PdfMake;
  const roboto = require('pdfmake/fonts/Roboto.js') as Record<string, Record<string, string>>;
  const fontFiles = new Set(Object.values(roboto.Roboto));
  pdfmake.setFonts(roboto);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => fontFiles.has(path));
  return pdfmake;
}
