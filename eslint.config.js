// Lint rules: typescript-eslint's recommended set on our sources, tests and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.dev/', 'test-artifacts/', 'bench-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // Layers (ARCHITECTURE.md): src/domain/ holds the interfaces and records and imports no other layer or framework; services
  // use those interfaces and know no HTTP framework, OIDC library, route or store/channel implementation; stores and
  // channels implement the domain's interfaces and know no service.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*', 'oidc-provider', 'oidc-provider/*', 'ioredis', 'mongoose'], message: 'src/domain/ holds interfaces and records only: no framework, OIDC library or database client.' },
          { group: ['**/services/**', '**/stores/**', '**/channels/**', '**/routes/**', '**/middleware/**', '**/provider/**', '**/composition/**'], message: 'src/domain/ imports no other layer: services, stores, channels, routes, middleware and the provider import it.' },
        ],
      }],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*', 'oidc-provider', 'oidc-provider/*'], message: 'Domain code does not import Koa or oidc-provider: take an interface (see src/domain/account-session-ender.ts).' },
          { group: ['**/routes/**', '**/middleware/**', '**/provider/**'], message: 'Domain code does not import routes, middleware or the provider layer.' },
          { group: ['**/stores/memory/**', '**/stores/redis/**', '**/stores/mongo/**', '**/channels/**'], message: 'Services use the interfaces in src/domain/, never a store or channel implementation (the composition root picks those); stores/key-layout is the documented Redis layout and allowed.' },
        ],
      }],
    },
  },
  {
    files: ['src/stores/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*'], message: 'Stores do not import Koa.' },
          { group: ['**/services/**', '**/channels/**', '**/routes/**', '**/middleware/**'], message: 'Stores implement the interfaces of src/domain/; they import no services, channels or routes.' },
        ],
      }],
    },
  },
  {
    files: ['src/channels/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['koa', '@koa/*', 'koa-*', 'oidc-provider', 'oidc-provider/*'], message: 'Channels do not import Koa or oidc-provider.' },
          { group: ['**/services/**', '**/stores/**', '**/routes/**', '**/middleware/**', '**/provider/**'], message: 'Channels implement the interfaces of src/domain/; they import no services, stores or routes.' },
        ],
      }],
    },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', self: 'readonly', location: 'readonly', EventSource: 'readonly', indexedDB: 'readonly', crypto: 'readonly', atob: 'readonly', btoa: 'readonly', TextEncoder: 'readonly', clients: 'readonly', Notification: 'readonly', PublicKeyCredential: 'readonly', localStorage: 'readonly', AbortController: 'readonly', Response: 'readonly' } },
  },
);
