/** The packed bpmnlint configuration (generated JavaScript; see pack-config.mjs). */
export interface LintRule {
  check(node: unknown, reporter: { report(id: string, message: string, path?: unknown): void }): void;
}
export interface LintResolver {
  resolveRule(pkg: string, ruleName: string): () => LintRule;
  resolveConfig(pkg: string, configName: string): unknown;
}
export type RuleSetting = 'error' | 'warn' | 'info' | 'off' | 0 | 1 | 2 | [string | number, unknown?];
export const config: { rules: Record<string, RuleSetting> };
export const resolver: LintResolver;
declare const bundle: { resolver: LintResolver; config: { rules: Record<string, RuleSetting> } };
export default bundle;
