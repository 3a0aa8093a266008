/** The types of core/extraction/ajv-on-first-use.cjs. */
import type * as AjvModule from 'ajv';

/** The `ajv` package, required on the first call and the same module after. */
export declare function loadAjv(): typeof AjvModule;
