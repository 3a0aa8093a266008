/**
 * Powertools Tracer from its CommonJS build. Its ES module build imports `node:http` and `node:https` statically; in an ES
 * module bundle esbuild hoists such imports of Node built-ins to the top of
 * the bundle, so every function paid for them at init, tracing or not, and
 * Node's ES-module view of `node:http` loads its bundled undici (about a
 * tenth of a second on a busy machine). Required here, the built-ins load
 * through `require` and only when tracing.ts asks for the tracer.
 */
'use strict';

const { Tracer } = require('@aws-lambda-powertools/tracer');

module.exports = { Tracer };
