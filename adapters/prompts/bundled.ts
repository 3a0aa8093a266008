/**
 * The prompt versions shipped with this build. In a Lambda bundle the
 * `prompts/` folder sits next to the bundle; in the repository it is the
 * top-level folder. Versions are immutable, so they are loaded once and never
 * re-fetched: only aliases and experiments are looked up at run time.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import { loadPromptRegistry, PROMPTS_ROOT, type PromptRegistry } from './registry.ts';

let registry: PromptRegistry | undefined;

export const bundledPrompts = (): PromptRegistry => {
  if (!registry) {
    const besideBundle = fileURLToPath(new URL(`./prompts/${PROMPT_FAMILY}`, import.meta.url));
    const dir = existsSync(besideBundle) ? besideBundle : `${PROMPTS_ROOT}/${PROMPT_FAMILY}`;
    registry = loadPromptRegistry(dir);
  }
  return registry;
};
