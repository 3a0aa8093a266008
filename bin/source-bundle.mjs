/**
 * The esbuild plugins shared by the two bundles built from the TypeScript
 * sources at run time: `npm start`'s (bin/start.mjs, ADR 52) and the CLI the
 * tests spawn (test/helpers/cli-bundle-setup.ts, ADR 43). Plain JavaScript,
 * so `npm start` loads it without a TypeScript loader.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * CommonJS packages the sources import (the AWS SDK, aws-cdk-lib,
 * commander, cli-table3, cli-progress, jstat, tesseract.js, the canvas,
 * ajv, esbuild): an ES `import` of one makes Node 20 detect its format and
 * scan its source for export names (the cjs-module-lexer) before running
 * it, about as much CPU again as loading it (ADR 42). Each resolves to the
 * same file through `require`; pdfkit does not, so it stays an import.
 */
const REQUIRED_PACKAGES =
  /^(@aws-sdk\/[^/]+|@smithy\/[^/]+|aws-cdk-lib(\/[^/]+)?|commander|cli-table3|cli-progress|jstat|tesseract\.js|@napi-rs\/canvas|ajv|esbuild)$/;

/**
 * Each such package becomes a one-line CommonJS module that `require`s it:
 * same module, same classes. A dynamic `import()` of one (a package loaded
 * on first use: tesseract.js, the canvas, the deployed stage's clients)
 * stays Node's own import, as from source: in a split bundle the one-line
 * module would be a chunk of its own that exports only `default`, and the
 * importer would find none of the package's named exports.
 */
export const packagesThroughRequire = {
  name: 'commonjs-packages-through-require',
  setup(bundler) {
    bundler.onResolve({ filter: REQUIRED_PACKAGES }, (args) =>
      args.kind === 'require-call' || args.kind === 'dynamic-import'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'require-package' },
    );
    bundler.onLoad({ filter: /.*/, namespace: 'require-package' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Every bundled source module keeps its own file's URL as `import.meta.url`,
 * so what it finds next to itself resolves as from source; any other
 * `import.meta` use fails the build.
 */
export const sourceImportMetaUrl = {
  name: 'source-import-meta-url',
  setup(bundler) {
    bundler.onLoad({ filter: /\.(ts|mjs|js|cjs)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const pinned = text.replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      );
      if (pinned.includes('import.meta')) {
        return { errors: [{ text: `${args.path}: only import.meta.url can be bundled` }] };
      }
      return { contents: pinned, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};
