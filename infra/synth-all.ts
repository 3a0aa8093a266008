/**
 * `npm run synth`: synthesises dev, staging and prod into cdk.out/<stage>,
 * each through the policy gate, with real esbuild bundles. Needs no AWS
 * credentials or network.
 */
import { join } from 'node:path';
import { configFor, STAGES } from './config.ts';
import { addPipeline, createApp } from './medextract-app.ts';
import { addPolicyGate } from './policy-gate.ts';
import { REPO_ROOT } from './repo-paths.ts';

for (const stage of STAGES) {
  const started = performance.now();
  const app = createApp({ outdir: join(REPO_ROOT, 'cdk.out', stage) });
  addPipeline(app, configFor(stage));
  addPolicyGate(app);
  app.synth();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${stage}: synthesised to cdk.out/${stage} in ${seconds}s`);
}
