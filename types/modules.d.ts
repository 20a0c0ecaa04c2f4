// Minimal declarations for untyped JavaScript dependencies we call from TypeScript.
declare module 'bpmnlint' {
  export class Linter {
    constructor(opts: { config: unknown; resolver: unknown });
    lint(root: unknown): Promise<Record<string, { id?: string; message: string; category: string }[]>>;
  }
}
declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  const NodeResolver: new () => unknown;
  export default NodeResolver;
}
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: unknown; warnings: unknown[]; references: unknown[] }>;
    toXML(element: unknown, opts?: { format?: boolean }): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): unknown;
  }
}
