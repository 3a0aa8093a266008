/**
 * The banner of every function bundle: CommonJS code inside an ES module bundle
 * (some dependencies, and the tracer's CommonJS build) calls require(), so the
 * bundle defines one. Shared by the CDK construct and the bench's bundles.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
