/**
 * `medextract cost [--stage s] [--docs n] [--pages p] [--profile file] [--json]`:
 * dollars per 1,000 documents by AWS service for a stage's settings, the
 * state machine's transitions, every prompt version's tokens and the measured
 * usage profile, with the share of orchestration next to the model.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { countTransitions } from '#core/costing/asl-transitions.ts';
import { assembleCostInput } from '#core/costing/assemble.ts';
import { DEFAULT_ASSUMPTIONS } from '#core/costing/assumptions.ts';
import { PRICES_READ_ON, PRICES_REGION } from '#core/costing/aws-prices.ts';
import { type CostReport, costPer1000Documents, SERVICES } from '#core/costing/cost-model.ts';
import { MEASURED_PROFILE } from '#core/costing/measured-profile.ts';
import { type UsageProfile, UsageProfileSchema } from '#core/costing/usage-profile.ts';
import { printJson, printTable, UsageError } from '../output.ts';

const ASL_URL = new URL('../../statemachines/extract.asl.json', import.meta.url);

interface CostFlags {
  readonly stage: string;
  readonly docs: string;
  readonly pages: string;
  readonly profile?: string;
  readonly json?: boolean;
}

const positive = (text: string, flag: string): number => {
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UsageError(`${flag} must be a positive number; got '${text}'`);
  }
  return value;
};

const loadProfile = (path: string | undefined): UsageProfile => {
  if (path === undefined) return MEASURED_PROFILE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf-8'));
  } catch (error) {
    throw new UsageError(
      `--profile: cannot read a JSON usage profile (${error instanceof Error ? error.name : 'error'})`,
    );
  }
  const parsed = UsageProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(
      `--profile: not a usage profile (${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
};

/**
 * The report for a stage, volume and page count (no printing). Stage settings
 * load the CDK config, so they are imported here rather than with the CLI.
 */
export const costReport = async (flags: CostFlags): Promise<CostReport> => {
  const { parseStage } = await import('#infra/config.ts');
  const { costSettingsFor } = await import('#infra/cost-settings.ts');
  let stage: ReturnType<typeof parseStage>;
  try {
    stage = parseStage(flags.stage);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const registry = bundledPrompts();
  const input = assembleCostInput({
    settings: costSettingsFor(stage),
    transitions: countTransitions(JSON.parse(readFileSync(ASL_URL, 'utf-8'))),
    prompts: registry.versions().map((v) => registry.get(v)),
    profile: loadProfile(flags.profile),
    assumptions: DEFAULT_ASSUMPTIONS,
    documentsPerMonth: positive(flags.docs, '--docs'),
    pagesPerDocument: positive(flags.pages, '--pages'),
  });
  return costPer1000Documents(input);
};

const usd = (x: number): string => (x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toFixed(5)}`);
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const quantity = (x: number | null): string | null =>
  x === null ? null : x >= 1 ? String(Number(x.toFixed(3))) : x.toPrecision(3);

const printReport = (report: CostReport, flags: CostFlags): void => {
  process.stdout.write(
    `Cost of stage ${flags.stage} at ${report.documentsPerMonth.toLocaleString('en-US')} documents a month, ` +
      `${flags.pages} page(s) each, prompt ${report.servingVersion} ` +
      `(${PRICES_REGION} prices read ${PRICES_READ_ON}):\n`,
  );
  const total = report.totalUsdPer1000Documents;
  printTable(
    ['service', '$ per 1,000 documents', 'share'],
    [
      ...SERVICES.map((s) => [s, usd(report.byService[s]), percent(report.byService[s] / total)]),
      ['total', usd(total), '100.0%'],
    ],
  );
  process.stdout.write(
    `Orchestration (everything but Bedrock): ${usd(report.orchestrationUsdPer1000Documents)} per 1,000 documents, ` +
      `${percent(report.orchestrationShare)} of the total; ${usd(report.monthlyUsd)} a month in all.\n\n`,
  );
  process.stdout.write(
    'Bedrock by prompt version (estimated tokens per document; a cached prefix is read by ' +
      `${percent(report.bedrockByVersion[0]?.cacheHitRate ?? 0)} of calls and written by the rest, an assumption):\n`,
  );
  printTable(
    [
      'version',
      'model',
      'input tokens',
      'cached prefix',
      'output tokens',
      '$ per 1,000 documents',
      'without cache',
    ],
    report.bedrockByVersion.map((v) => [
      v.version,
      v.modelId,
      v.inputTokens,
      v.cachedPrefixTokens ? v.cachedPrefixTokens : `none: ${v.cacheNote ?? 'no checkpoint'}`,
      v.outputTokens,
      usd(v.usdPer1000Documents),
      usd(v.usdPer1000DocumentsWithoutCache),
    ]),
  );
  process.stdout.write('\nEvery line:\n');
  printTable(
    ['service', 'item', 'per document', 'per month', 'unit', '$ per 1,000 documents'],
    report.lines.map((l) => [
      l.service,
      l.item,
      quantity(l.perDocument),
      l.perMonth === 0 ? null : quantity(l.perMonth),
      l.unit,
      usd(l.usdPer1000Documents),
    ]),
  );
  process.stdout.write(
    'Input tokens are estimates (characters / 4 for system, user and the tool schema, plus the ' +
      "provider's tool-use system prompt); output tokens are the local rule-based extractor's " +
      '(not a language model). Durations, requests and log bytes come from the measured usage ' +
      'profile; see docs/cost.md.\n',
  );
};

export const registerCost = (program: Command): void => {
  program
    .command('cost')
    .description(
      'Dollars per 1,000 documents by AWS service, from the price table and measured usage',
    )
    .option('--stage <stage>', 'stage whose settings to price (dev, staging, prod)', 'prod')
    .option('--docs <n>', 'documents per month (spreads the monthly fixed costs)', '100000')
    .option('--pages <p>', 'pages per document', '1')
    .option('--profile <file>', 'a JSON usage profile instead of the measured one')
    .option('--json', 'print JSON instead of tables')
    .action(async (flags: CostFlags) => {
      const report = await costReport(flags);
      if (flags.json) {
        printJson({ stage: flags.stage, pagesPerDocument: Number(flags.pages), ...report });
      } else {
        printReport(report, flags);
      }
    });
};
