// Lint rules that keep the architecture honest (DESIGN.md, Folders): the four services never
// import each other, publish never reaches consolidation, core/ stays pure, infra/ holds no
// election logic beyond core's types.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const SERVICES = ['ingest', 'consolidate', 'publish', 'polling-finder']

/** Node built-ins and packages that do I/O: core/ may use none of them. */
const IO_MODULES = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'cluster',
  'worker_threads', 'readline', 'tls', 'zlib', 'process', 'os', 'v8', 'vm',
]
const IO_PACKAGES = ['express', 'pg', 'kafkajs', 'ioredis', '@aws-sdk/*', '@electric-sql/*', 'pino', 'prom-client', 'fast-csv', '@fast-csv/*', 'mustache']

const folderPattern = (folder) => [`**/${folder}/**`, `../${folder}`, `../../${folder}`]

const serviceRules = SERVICES.map((service) => ({
  files: [`${service}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: SERVICES.filter((s) => s !== service).flatMap(folderPattern).concat(folderPattern('bin')),
        message: 'A service never imports another service (or bin/): services meet only through topics and files (DESIGN.md, Folders).',
      }],
    }],
  },
}))

export default tseslint.config(
  { ignores: ['node_modules/**', 'static-out/**', 'data/**', '.scratch/**', 'ops/kafka/lib/**', 'test/fixtures/lint/**', 'bench/out/**', '.tap/**', 'tap-snapshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'ops/kafka/*.mjs', 'ops/s3/*.mjs', 'publish/assets/*.js', 'polling-finder/browser/*.js', 'consolidate/desk/templates/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Plain scripts (the bin shim, the Kafka readiness probe) run on Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    // The desk's one browser script (live figures), served as it is: plain ES5-style, no modules.
    files: ['consolidate/desk/templates/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', EventSource: 'readonly', CSS: 'readonly' },
    },
  },
  {
    // The results pages' optional refresh script runs in readers' browsers, not on Node.
    files: ['publish/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', fetch: 'readonly', DOMParser: 'readonly', URL: 'readonly', setTimeout: 'readonly', Promise: 'readonly', String: 'readonly' },
    },
  },
  {
    // The finder's browser modules run in a browser as written (finder-lookup.js also in Node).
    files: ['polling-finder/browser/*.js'],
    languageOptions: { globals: { document: 'readonly', navigator: 'readonly', fetch: 'readonly' } },
  },
  ...serviceRules,
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'core/ is pure: no I/O (DESIGN.md, Folders).' }))],
        patterns: [
          { group: IO_PACKAGES, message: 'core/ is pure: no I/O packages (DESIGN.md, Folders).' },
          { group: ['**/infra/**', ...SERVICES.flatMap(folderPattern), '**/bin/**'], message: 'core/ imports nothing of the project outside core/.' },
        ],
      }],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...SERVICES.flatMap(folderPattern), '**/bin/**'], message: 'infra/ holds adapters only; it may import core/ types, never a service.' },
          { group: ['**/core/**'], allowTypeImports: true, message: 'infra/ holds no election logic: it may import core/ types only.' },
        ],
      }],
    },
  },
  {
    files: ['publish/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'pg', message: 'The publisher never reaches the consolidation database (a security property).' }],
        patterns: [
          { group: [...SERVICES.filter((s) => s !== 'publish').flatMap(folderPattern), ...folderPattern('bin')], message: 'A service never imports another service (DESIGN.md, Folders).' },
          { group: ['**/infra/db/**', '@electric-sql/*'], message: 'The publisher never reaches the consolidation database (a security property).' },
        ],
      }],
    },
  },
  {
    // tap runs subtests it is handed; awaiting each t.test() at top level would serialize nothing.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }],
      }],
    },
  },
)
