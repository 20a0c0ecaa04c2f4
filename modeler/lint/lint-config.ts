import packed, { type LintResolver, type RuleSetting } from './packed-config.js';
import { EISO_PLUGIN, EISO_WARNINGS, eisoRules } from './eiso-rules.js';

type RuleFactory = ReturnType<LintResolver['resolveRule']>;

/**
 * bpmn-js-bpmnlint reads `meta.documentation.url` of every report and throws when a rule has
 * `meta` without `documentation` (seen on MIWG C.9.0); give such rules an empty documentation.
 */
function withDocumentationMeta(factory: RuleFactory): RuleFactory {
  return ((config?: unknown) => {
    const rule = (factory as (c?: unknown) => ReturnType<RuleFactory> & { meta?: { documentation?: unknown } })(config);
    if (rule && rule.meta && !rule.meta.documentation) rule.meta = { ...rule.meta, documentation: {} };
    return rule;
  }) as RuleFactory;
}

/**
 * The browser lint configuration: bpmnlint:recommended + camunda-compat 8.6 (packed at build time,
 * the same rules as engine/validate.ts) plus our own "eiso/*" rules.
 */
export function createLintConfig(opts: { jobTypes?: readonly string[] } = {}) {
  const ours = eisoRules(opts.jobTypes);
  const rules: Record<string, RuleSetting> = { ...packed.config.rules };
  for (const name of Object.keys(ours)) rules[`eiso/${name}`] = EISO_WARNINGS.has(name) ? 'warn' : 'error';
  const resolver: LintResolver = {
    resolveRule(pkg, ruleName) {
      if (pkg === EISO_PLUGIN) {
        const rule = ours[ruleName];
        if (!rule) throw new Error(`cannot resolve rule <${pkg}/${ruleName}>`);
        return rule as ReturnType<LintResolver['resolveRule']>;
      }
      return withDocumentationMeta(packed.resolver.resolveRule(pkg, ruleName));
    },
    resolveConfig: (pkg, name) => packed.resolver.resolveConfig(pkg, name),
  };
  return { config: { rules }, resolver };
}
