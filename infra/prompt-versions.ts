/**
 * The prompt versions this build ships (every version folder of the
 * medical-record family, as the functions' bundled registry loads them):
 * the versions that can serve traffic, so the versions alarms and the drift
 * analyser watch. A new version needs a deploy to serve, which brings its
 * alarms with it.
 */
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';

/** Shipped prompt versions, oldest first. */
export const shippedPromptVersions = (): string[] => loadPromptRegistry(familyDir()).versions();
