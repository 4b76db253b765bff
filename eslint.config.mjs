// Lint configuration: ESLint's and typescript-eslint's recommended rules over the project's TypeScript and
// JavaScript sources, run by `npm run lint` (part of `npm test`). The `eslint-disable` comments in the
// sources refer to these rules.

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.cloudfn/**', 'test/fixtures/**', 'bench/parse/**', 'test/parse-peer/cloud/**', '**/*.snap'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Tests and benchmarks read untyped protocol JSON (LSP messages, CLI output) and poke at results freely.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Node scripts in plain JavaScript (the launcher, build scripts, the TypeScript plugin).
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The run panel's webview script runs in the browser.
    files: ['client/views/runPanel/media/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', acquireVsCodeApi: 'readonly', console: 'readonly', requestAnimationFrame: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', navigator: 'readonly', getComputedStyle: 'readonly', MutationObserver: 'readonly', performance: 'readonly' },
    },
  },
);
