import packed, { type LintResolver, type RuleSetting } from './packed-config.js';
import { EISO_PLUGIN, eisoRules } from './eiso-rules.js';

/**
 * The browser lint configuration: bpmnlint:recommended + camunda-compat 8.6 (packed at build time,
 * the same rules as engine/validate.ts) plus our own "eiso/*" rules.
 */
export function createLintConfig(opts: { jobTypes?: readonly string[] } = {}) {
  const ours = eisoRules(opts.jobTypes);
  const rules: Record<string, RuleSetting> = { ...packed.config.rules };
  for (const name of Object.keys(ours)) rules[`eiso/${name}`] = 'error';
  const resolver: LintResolver = {
    resolveRule(pkg, ruleName) {
      if (pkg === EISO_PLUGIN) {
        const rule = ours[ruleName];
        if (!rule) throw new Error(`cannot resolve rule <${pkg}/${ruleName}>`);
        return rule as ReturnType<LintResolver['resolveRule']>;
      }
      return packed.resolver.resolveRule(pkg, ruleName);
    },
    resolveConfig: (pkg, name) => packed.resolver.resolveConfig(pkg, name),
  };
  return { config: { rules }, resolver };
}
