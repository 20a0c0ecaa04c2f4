import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository root (this file sits in test/unit/). */
export const ROOT = path.resolve(import.meta.dirname, '../..');

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const SKIP = new Set(['node_modules', 'dist', '.zeebe', '.git']);

/** Every source file under `dirs` (repository-relative paths). */
export function sourceFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs)) {
      if (SKIP.has(name)) continue;
      const child = path.posix.join(rel, name);
      if (statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(child);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

export interface ImportEdge {
  from: string;
  /** Repository-relative file, or the bare package name. */
  to: string;
  typeOnly: boolean;
  line: number;
}

function resolve(fromFile: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
  const stem = base.replace(/\.(js|mjs|ts|tsx)$/, '');
  for (const c of [`${stem}.ts`, `${stem}.tsx`, `${stem}.mjs`, `${stem}.js`, base, `${stem}/index.ts`, `${stem}/index.tsx`]) {
    const abs = path.join(ROOT, c);
    if (existsSync(abs) && statSync(abs).isFile()) return c;
  }
  return base;
}

/** The imports of one file (static, re-exports and dynamic `import()`), parsed by the TypeScript compiler. */
export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (spec: ts.Expression, typeOnly: boolean, node: ts.Node) => {
    if (!ts.isStringLiteral(spec)) return;
    edges.push({ from: file, to: resolve(file, spec.text), typeOnly, line: src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const allTypes = Boolean(
        c &&
        (c.isTypeOnly ||
          (!c.name &&
            c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly))),
      );
      add(node.moduleSpecifier, allTypes, node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const allTypes =
        node.isTypeOnly || Boolean(node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, allTypes, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node.arguments[0], false, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return edges;
}
