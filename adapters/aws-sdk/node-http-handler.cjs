/**
 * `@smithy/node-http-handler` (the SDK's HTTP/1.1 handler) loaded through
 * `require`, like the other shims here (ADR 42): the local runtime and the
 * tests load it this way; the function bundles resolve the specifier to the
 * package's ES build instead, under the `lambda-bundle` condition (ADR 45).
 */
'use strict';

module.exports = require('@smithy/node-http-handler');
