// npm run lint: typescript-eslint with type information over every TypeScript file, plus the
// regular-expression checks (patterns whose matching time can grow faster than linearly with the
// input, i.e. ReDoS, and capturing groups that do not capture what they seem). Prettier formats
// (npm run format); eslint-config-style rules that would fight it are not enabled.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'web/dist/**',
      '.zeebe/**',
      '.data/**',
      'engine/exporter/**/target/**',
      'modeler/lint/packed-config.js',
      'coverage/**',
    ],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Async workers, hooks and sweeps everywhere: a promise nobody awaits loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      // Arguments are not checked: knex query builders are thenables, so every `.where((w) => w.where(…))`
      // would count as a promise handed to a callback; timers and event handlers are written with `void`.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // knex rows and the SDK's job variables arrive untyped; they are read through guards, not typed at the edge.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Values of unknown type (form fields, spreadsheet cells, FEEL results) are stringified on purpose, after
      // their type was checked; these two rules cannot see such checks and only reported that.
      '@typescript-eslint/no-base-to-string': 'off',
      // Applied once to the whole tree (391 assertions removed); what it still reports is a style choice
      // (an assertion instead of a type argument) or wrong where a library's types are loose (bpmnlint).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['lib/**/*.{ts,js}', 'engine/**/*.{ts,js}', 'domain/**/*.{ts,js}', 'api/**/*.{ts,js}', 'web/**/*.{ts,tsx,js}', 'modeler/**/*.{ts,tsx,js}'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      'regexp/no-misleading-capturing-group': 'error',
    },
  },
);
