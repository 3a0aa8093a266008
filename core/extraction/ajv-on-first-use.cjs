/**
 * Loads Ajv on the first call, not when a function loads. Ajv is CommonJS:
 * a bundle that requires it inside a function runs its code (about 120 KB of
 * minified code with fast-uri, about 20 ms of CPU) only when a schema is first
 * compiled, while a top-level ES import would run it during cold init.
 */
'use strict';

let ajv;

exports.loadAjv = () => {
  if (!ajv) ajv = require('ajv');
  return ajv;
};
