/**
 * The review row of the pipeline dashboard: documents sent to review
 * (NEEDS_REVIEW) and the review rate, per prompt version. NeedsReview is 1
 * or 0 per document (the per-document EMF record), so its sum is the count
 * and its mean the rate.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** `search(metric, statistic)` is the dashboard's per-prompt-version SEARCH expression. */
export const reviewCharts = (
  search: (metric: string, statistic: string) => string,
  period: Duration,
): cloudwatch.GraphWidget[] => [
  new cloudwatch.GraphWidget({
    title: 'Sent to review (NEEDS_REVIEW) by prompt version',
    left: [
      new cloudwatch.MathExpression({
        expression: search('NeedsReview', 'Sum'),
        label: '',
        period,
      }),
    ],
    width: 12,
    height: 6,
  }),
  new cloudwatch.GraphWidget({
    title: 'Review rate % by prompt version',
    left: [
      new cloudwatch.MathExpression({
        expression: `100 * ${search('NeedsReview', 'Average')}`,
        label: '',
        period,
      }),
    ],
    width: 12,
    height: 6,
  }),
];
