import { FormEditor } from '@bpmn-io/form-js-editor';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';

import type { FormSchema } from './form-schema.js';

export { FORM_SCHEMA_VERSION, formIdFromName, newFormSchema, type FormSchema } from './form-schema.js';

/**
 * The form-js editor behind a small API: React hands over a container; this class owns what is
 * inside it. `onChange` receives the current schema after every edit.
 */
export class EisoFormEditor {
  private readonly editor: FormEditor;

  constructor(container: HTMLElement) {
    this.editor = new FormEditor({ container, exporter: { name: 'e-ISO', version: '1.0' } });
  }

  async importSchema(schema: FormSchema): Promise<void> {
    await this.editor.importSchema(schema);
  }

  getSchema(): FormSchema {
    return this.editor.saveSchema() as FormSchema;
  }

  onChange(callback: (schema: FormSchema) => void): () => void {
    const handler = () => callback(this.getSchema());
    this.editor.on('changed', handler);
    return () => this.editor.off('changed', handler);
  }

  destroy(): void {
    this.editor.destroy();
  }
}
