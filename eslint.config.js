// Only the regular-expression checks (npm run lint:regexp): patterns whose matching time can grow
// faster than linearly with the input (ReDoS) and capturing groups that do not capture what they seem.
// TypeScript is parsed with typescript-eslint's parser; no other rules are enabled.
import tsParser from '@typescript-eslint/parser';
import regexp from 'eslint-plugin-regexp';

export default [
  {
    files: ['lib/**/*.{ts,tsx,js}', 'engine/**/*.{ts,tsx,js}', 'domain/**/*.{ts,tsx,js}', 'api/**/*.{ts,tsx,js}', 'web/**/*.{ts,tsx,js}', 'modeler/**/*.{ts,tsx,js}'],
    ignores: ['**/node_modules/**', 'dist/**', 'engine/exporter/**/target/**'],
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      'regexp/no-misleading-capturing-group': 'error',
    },
  },
];
