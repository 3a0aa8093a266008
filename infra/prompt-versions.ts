/**
 * The prompt versions this build ships (every version folder of the
 * medical-record family, as the functions' bundled registry loads them):
 * the versions that can serve traffic, so the versions alarms and the drift
 * analyser watch. A new version needs a deploy to serve, which brings its
 * alarms with it.
 */
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { lintSchema } from '#adapters/prompts/schema-lint.ts';

/**
 * Shipped prompt versions, oldest first. The synth that bundles `prompts/`
 * into the functions loads it here with the authoring lint, so a draft that
 * ships passed Ajv's strict compile; the functions themselves never run Ajv
 * (ADR 64).
 */
export const shippedPromptVersions = (dir: string = familyDir()): string[] =>
  loadPromptRegistry(dir, { lintSchema }).versions();
