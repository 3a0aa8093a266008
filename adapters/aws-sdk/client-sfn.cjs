/**
 * `@aws-sdk/client-sfn` loaded through `require`. The SDK ships as CommonJS; an ES
 * module (a function bundle) that imports it makes Node scan the package's
 * entry file for its export names before running it, which on Node 20 costs
 * about as much CPU again as loading it. Imported from here, the bundle
 * requires the package instead (ADR 42). Same module, same classes.
 */
'use strict';

module.exports = require('@aws-sdk/client-sfn');
