import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'local/public/**', '.scratch/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'skip', message: 'No skipped tests.' },
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'todo', message: 'No todo tests.' },
        { object: 'test', property: 'skip', message: 'No skipped tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
        { object: 'describe', property: 'skip', message: 'No skipped tests.' },
        { object: 'describe', property: 'only', message: 'No focused tests.' },
      ],
    },
  },
  {
    // `import * as z` lets esbuild drop zod's locales (~370 KB) from every Lambda bundle.
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier",
          message: "Use `import * as z from 'zod'` so bundles stay small.",
        },
      ],
    },
  },
  {
    // Domain code is pure: no AWS SDK, no wall clock.
    files: ['lambdas/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-lambda', '@aws-lambda-powertools/*'],
              message: 'Domain code imports no AWS glue.',
            },
            {
              group: ['**/adapters/*', '**/services/*', '**/handlers/*', '**/handlers/**'],
              message:
                'Domain code depends on nothing outside the domain: adapters implement its interfaces.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take time from the injected Clock.' },
      ],
    },
  },
  {
    // Services join domain rules to the store and gateway interfaces of lambdas/domain/stores and
    // lambdas/domain/ports; the handlers pick the adapters that implement them. So a service runs
    // unchanged on in-memory fakes, and a service's bundle never pulls in an SDK client by accident.
    files: ['lambdas/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/*', '**/handlers/*', '**/handlers/**', '@aws-sdk/*'],
              message: 'Services use the interfaces in lambdas/domain; handlers choose the adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // The `optline` bin launcher and the local runtime's worker-thread entry are CommonJS run by plain
    // node: they must `require` tsx before any TypeScript.
    files: ['bin/**/*.cjs', 'local/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
