/** Types of the esbuild plugins in source-bundle.mjs, for the TypeScript that uses them. */
import type { Plugin } from 'esbuild';

export declare const packagesThroughRequire: Plugin;
export declare const sourceImportMetaUrl: Plugin;
