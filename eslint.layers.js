// The layers of docs/architecture.md, enforced on every import. eslint.config.js uses this, and
// test/unit/layers.test.ts lints deliberate violations with it to prove each zone still bites.
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** Directory zones: files under `target` may not import anything under `from`. */
const zones = [
  {
    target: './src/core',
    // Packages resolve into node_modules, so this zone refuses them too; node: builtins resolve nowhere.
    from: '.',
    // canonicalize (RFC 8785) and unhomoglyph (UTS #39 confusables) are data definitions the domain's
    // rules are stated in: what bytes are signed, which names are the same name. The SDK's
    // verification module is the one copy of the checks every verifier runs (see its index).
    except: ['./src/core', './node_modules/canonicalize', './node_modules/unhomoglyph', './clients/typescript/dist/verify'],
    message: 'src/core is the domain: it imports only src/core (plus node: builtins, canonicalize, unhomoglyph and @plant/client/verify).',
  },
  {
    target: './clients/typescript/src/verify',
    from: './clients/typescript/src',
    except: ['./verify'],
    message: 'The verification module stands alone (browsers and Node, no transport): it imports only itself and canonicalize.',
  },
  {
    target: './src/http',
    from: ['./src/adapters', './src/composition', './src/cli', './src/jobs'],
    message: 'src/http receives its dependencies as ports (ApiDeps); only the composition root picks adapters.',
  },
  {
    target: './src/cli',
    from: ['./src/adapters', './src/http', './src/jobs'],
    message: 'src/cli reaches adapters, the server and the jobs only through the composition root.',
  },
  {
    target: './src/jobs',
    from: ['./src/adapters', './src/http', './src/cli', './src/composition'],
    message: 'src/jobs run use cases over ports; the composition root wires them.',
  },
  {
    target: './src/adapters',
    from: ['./src/http', './src/cli', './src/jobs', './src/composition'],
    message: 'src/adapters implement core ports; they know nothing of the layers that use them.',
  },
  {
    target: './src/presentation.ts',
    from: ['./src/adapters', './src/http', './src/cli', './src/jobs', './src/composition'],
    message: 'src/presentation.ts shows core results the same way to HTTP and the CLI; it depends on core only.',
  },
];

/** Endpoint files (routes/<resource>/*.ts) are registered by routes/index.ts and imported by nothing else. */
const routeZone = {
  target: '.',
  from: './src/http/routes/*/**',
  message: 'Only src/http/routes/index.ts imports endpoint files; share code through src/http/route-kit or src/http/schemas.',
};

const ROUTE_INDEX = 'src/http/routes/index.ts';

const settings = { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })] };

/** Transport-only error codes belong to the HTTP adapter: nothing else may import their error class. */
const transportOnly = {
  files: ['src/**/*.ts'],
  ignores: ['src/http/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['**/errors.ts'],
            importNames: ['TransportError'],
            message: 'Transport-only error codes are raised by src/http alone; the core and its adapters raise DomainError.',
          },
        ],
      },
    ],
  },
};

export const layers = [
  transportOnly,
  {
    files: ['**/*.ts'],
    ignores: [ROUTE_INDEX],
    plugins: { 'import-x': importX },
    settings,
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...zones, routeZone] }] },
  },
  {
    files: [ROUTE_INDEX],
    plugins: { 'import-x': importX },
    settings,
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones }] },
  },
];

/** The layer rules alone, parsed without type information (fast), for tests that lint snippets. */
export const layersOnly = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layers];
