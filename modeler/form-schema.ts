// Form schemas of a draft, without form-js itself (so pages can use them without loading the editor).

/** A form-js schema as stored with a draft (`forms: { [id]: schema }`). */
export type FormSchema = Record<string, unknown> & { id?: string; components?: unknown[] };

/** form-js 1.23 writes schemaVersion 16 (as processes/forms/*.form do). */
export const FORM_SCHEMA_VERSION = 16;

/** An empty form for a step; the id is also the `app:<id>` form key. */
export function newFormSchema(id: string, title: string): FormSchema {
  return {
    id,
    type: 'default',
    schemaVersion: FORM_SCHEMA_VERSION,
    components: [{ type: 'text', text: `### ${title}` }],
  };
}

/** A form id from a step name: lower-case ASCII words joined by "-" (Vietnamese marks removed). */
export function formIdFromName(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    // runs are one '-' after the line above, so one at each end is all there is (linear, unlike -+$)
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return base || 'bieu-mau';
}
