// One lint configuration for the whole repository: type-aware rules, promises must be awaited.
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.stack/**',
      'coverage/**',
      '**/test-output/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      // The dashboard's script is linted like the TypeScript (its tsconfig.json has checkJs).
      '!bank-app/public/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The dashboard runs in the browser, as a module (index.html loads it with type="module").
    files: ['bank-app/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);
