/**
 * The policy gate: cdk-nag's AwsSolutions, HIPAA.Security and Serverless packs
 * run as CDK validation plugins, so `cdk synth` and the tests fail on any
 * unacknowledged finding. Acknowledgements live next to their resources.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Fresh instances of the three packs the gate runs. */
export const nagPacks = (scope?: IConstruct): NagPack[] => [
  new AwsSolutionsChecks(scope, { verbose: true }),
  new HIPAASecurityChecks(scope, { verbose: true }),
  new ServerlessChecks(scope, { verbose: true }),
];

/** Registers the packs on the app: synthesis fails while a finding is unacknowledged. */
export const addPolicyGate = (app: App): void => {
  Validations.of(app).addPlugins(...nagPacks(app));
};

/** One acknowledgement as recorded on a construct. */
export interface Acknowledgement {
  readonly path: string;
  readonly ruleId: string;
  readonly reason: string;
}

/** Every acknowledgement in the tree under `scope`, with the construct it sits on. */
export const listAcknowledgements = (scope: IConstruct): Acknowledgement[] =>
  scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => {
        const data: unknown = entry.data;
        if (typeof data !== 'object' || data === null) return [];
        return Object.entries(data).map(([id, reason]) => ({
          path: construct.node.path,
          ruleId: id.replace(/^annotation::/i, ''),
          reason: String(reason),
        }));
      }),
  );
