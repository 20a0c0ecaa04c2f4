import { parseExpression } from '@bpmn-io/feelin';

/** Variable names a FEEL expression reads (function names and path segments excluded); none when it is not FEEL. */
export function variablesOfFeel(expression: string): string[] {
  const src = expression.trim().replace(/^=/, '');
  const names = new Set<string>();
  if (!src) return [];
  try {
    parseExpression(src, {}, undefined).iterate({
      enter(node) {
        if (node.name !== 'VariableName') return;
        const before = src.slice(0, node.from).trimEnd();
        const after = src.slice(node.to).trimStart();
        if (before.endsWith('.') || after.startsWith('(')) return;
        names.add(src.slice(node.from, node.to).trim());
      },
    });
  } catch {
    /* not FEEL: declares nothing */
  }
  return [...names];
}
