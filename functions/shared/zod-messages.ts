/**
 * English messages for zod/mini's issues in the function bundles. Classic zod
 * loads its English locale when imported; zod/mini loads none, and a
 * function bundle carries no classic zod (ADR 56), so without this every
 * issue's message would read "Invalid input". Messages name the rule
 * broken (a path and a constraint), never the rejected value.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
