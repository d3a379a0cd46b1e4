/**
 * List prices of one region, dated, each with the page it was read from. Prices change: re-read
 * the pages and update `PRICE_TABLE.date` together with the values. A price left `null` was not found
 * in a source we could cite; the cost report lists the units it could not price instead of guessing.
 *
 * Where AWS's own page renders its prices in the browser only, the value was taken from a third-party
 * page quoting it (`source` says which); these are marked `official: false`.
 */

export type PriceKey =
  | 'dynamodb.writeRequestUnit'
  | 'dynamodb.readRequestUnit'
  | 'kinesis.shardHour'
  | 'kinesis.putPayloadUnit'
  | 'kinesis.onDemandStreamHour'
  | 'kinesis.onDemandGbIn'
  | 'kinesis.onDemandGbOut'
  | 's3.putCopyPostListRequest'
  | 's3.getAndOtherRequest'
  | 's3.standardGbMonth'
  | 'lambda.request'
  | 'lambda.gbSecondArm'
  | 'lambda.gbSecondX86'
  | 'keyspaces.writeRequestUnit'
  | 'keyspaces.readRequestUnit'
  | 'stepFunctions.stateTransition'
  | 'kms.keyMonth'
  | 'kms.request'
  | 'cloudwatch.customMetricMonth'
  | 'cloudwatch.alarmMonth'
  | 'cloudwatch.dashboardMonth'
  | 'msk.serverlessClusterHour'
  | 'msk.serverlessPartitionHour'
  | 'vpc.interfaceEndpointAzHour';

export interface Price {
  /** US dollars per `per` units, or null when no citable source gave it. */
  readonly usd: number | null;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
  readonly official: boolean;
}

export interface PriceTable {
  readonly region: string;
  /** The day the values below were read (yyyy-mm-dd). */
  readonly date: string;
  readonly prices: Readonly<Record<PriceKey, Price>>;
}

const p = (usd: number | null, per: number, unit: string, source: string, official = false): Price => ({
  usd,
  per,
  unit,
  source,
  official,
});

export const PRICE_TABLE: PriceTable = {
  region: 'us-east-1',
  date: '2026-12-03',
  prices: {
    'dynamodb.writeRequestUnit': p(
      0.625,
      1e6,
      'write request units, on-demand',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    ),
    'dynamodb.readRequestUnit': p(
      0.125,
      1e6,
      'read request units, on-demand',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    ),
    'kinesis.shardHour': p(
      0.015,
      1,
      'shard-hour, provisioned',
      'https://costcalculator.calculator.city/aws-kinesis-cost-calculator',
    ),
    'kinesis.putPayloadUnit': p(
      0.014,
      1e6,
      'PUT payload units, provisioned',
      'https://costcalculator.calculator.city/aws-kinesis-cost-calculator',
    ),
    'kinesis.onDemandStreamHour': p(
      null,
      1,
      'stream-hour, on-demand',
      'https://aws.amazon.com/kinesis/data-streams/pricing/ (value not in the stored page)',
      true,
    ),
    'kinesis.onDemandGbIn': p(
      null,
      1,
      'GB written, on-demand',
      'https://aws.amazon.com/kinesis/data-streams/pricing/ (value not in the stored page)',
      true,
    ),
    'kinesis.onDemandGbOut': p(
      null,
      1,
      'GB read, on-demand',
      'https://aws.amazon.com/kinesis/data-streams/pricing/ (value not in the stored page)',
      true,
    ),
    's3.putCopyPostListRequest': p(
      0.005,
      1000,
      'PUT, COPY, POST, LIST requests, S3 Standard',
      'https://c3x.dev/blog/s3-request-fees-explained',
    ),
    's3.getAndOtherRequest': p(
      0.0004,
      1000,
      'GET and other requests, S3 Standard',
      'https://c3x.dev/blog/s3-request-fees-explained',
    ),
    's3.standardGbMonth': p(
      0.023,
      1,
      'GB-month, S3 Standard, first 50 TB',
      'https://deepeshsoni.com/archives/256',
    ),
    'lambda.request': p(
      0.2,
      1e6,
      'requests',
      'https://git.mcrn.ar/mariano/lambda_local_runner/src/commit/957e45b8adae23ce50b966346229585b5df18b4d/docs/lambdas-md/lambda-13-cost.md?display=rendered',
    ),
    'lambda.gbSecondArm': p(
      0.0000133334,
      1,
      'GB-second, Arm, first 7.5 billion per month',
      'https://cloudchipr.com/blog/aws-lambda-pricing',
    ),
    'lambda.gbSecondX86': p(
      0.0000166667,
      1,
      'GB-second, x86, first 6 billion per month',
      'https://cloudchipr.com/blog/aws-lambda-pricing',
    ),
    'keyspaces.writeRequestUnit': p(
      null,
      1e6,
      'write request units, on-demand',
      'https://aws.amazon.com/keyspaces/pricing/ (value not in the stored page)',
      true,
    ),
    'keyspaces.readRequestUnit': p(
      null,
      1e6,
      'read request units, on-demand',
      'https://aws.amazon.com/keyspaces/pricing/ (value not in the stored page)',
      true,
    ),
    'stepFunctions.stateTransition': p(
      0.025,
      1000,
      'state transitions, standard workflows',
      'https://aws.amazon.com/step-functions/pricing/',
      true,
    ),
    'kms.keyMonth': p(1, 1, 'customer managed key-month', 'https://aws.amazon.com/kms/pricing/', true),
    'kms.request': p(
      0.03,
      10_000,
      'requests, symmetric keys',
      'https://www.wring.co/blog/aws-kms-pricing-guide',
    ),
    'cloudwatch.customMetricMonth': p(
      0.3,
      1,
      'custom metric-month, first 10,000 metrics',
      'https://cal53.calculator.city/cloudwatch-custom-metrics-calculator/',
    ),
    'cloudwatch.alarmMonth': p(
      0.1,
      1,
      'standard-resolution alarm-month',
      'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm',
    ),
    'cloudwatch.dashboardMonth': p(
      3,
      1,
      'dashboard-month',
      'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
    ),
    // AWS's page (https://aws.amazon.com/msk/pricing/) renders the MSK Serverless table in the browser.
    'msk.serverlessClusterHour': p(
      0.75,
      1,
      'MSK Serverless cluster-hour',
      'https://gist.github.com/EverettBerry/d24aa940ad43c313803248cea6366682',
    ),
    'msk.serverlessPartitionHour': p(
      0.0015,
      1,
      'MSK Serverless partition-hour',
      'https://gist.github.com/EverettBerry/d24aa940ad43c313803248cea6366682',
    ),
    // Billed per endpoint per AZ it is in (https://aws.amazon.com/privatelink/pricing/); the rate from
    // the calculator's default: 4,378 endpoint-hours → $43.78.
    'vpc.interfaceEndpointAzHour': p(
      0.01,
      1,
      'interface VPC endpoint-hour, per AZ',
      'https://cloudcostkit.com/calculators/aws-vpc-interface-endpoint-cost-calculator',
    ),
  },
};

/** Dollars for `units` of `key`, or null when the table has no price for it. */
export function priceOf(table: PriceTable, key: PriceKey, units: number): number | null {
  const price = table.prices[key];
  return price.usd === null ? null : (units / price.per) * price.usd;
}
