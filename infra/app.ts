/** CDK entry point: `npx cdk synth -c env=<dev|staging|prod>` (dev when unset). */
import { configFor, parseStage } from './config.ts';
import { addPipeline, createApp } from './medextract-app.ts';
import { addPolicyGate } from './policy-gate.ts';

const app = createApp();
addPipeline(app, configFor(parseStage(app.node.tryGetContext('env'))));
addPolicyGate(app);
app.synth();
