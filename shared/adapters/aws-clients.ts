import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { installMetering } from './cost/sdk-metering.js';
import { processUsageMeter, type UsageMeter } from './cost/usage-meter.js';

/**
 * SDK v3 client factories shared by the handlers, the CLI and the local stack. One configuration
 * shape reaches AWS, LocalStack (`AWS_ENDPOINT_URL`) and the embedded emulators alike; create each
 * client once per module and reuse it.
 */

export type AwsService = 'kinesis' | 'dynamodb' | 's3';

/** One endpoint per service, for emulators that each listen on their own port. */
export type ServiceEndpoints = Readonly<Partial<Record<AwsService, string>>>;

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientConfig {
  /** @default `AWS_REGION`, then `AWS_DEFAULT_REGION`; `us-east-1` when an endpoint is set and no region is. */
  readonly region?: string;
  /**
   * One URL for every service (LocalStack) or one per service (embedded emulators).
   * @default `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`; none means the real AWS endpoints.
   */
  readonly endpoint?: string | ServiceEndpoints;
  /** @default the SDK's credential chain; dummy keys when an endpoint is set and the environment has none. */
  readonly credentials?: StaticCredentials;
  /**
   * Where the clients count their requests in billable units (see README "Cost").
   * @default the process-wide meter, `processUsageMeter`
   */
  readonly meter?: UsageMeter;
}

/** Keys that emulators and LocalStack accept; never sent to AWS because they only apply with an endpoint. */
export const EMULATOR_CREDENTIALS: StaticCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The emulated services, plus SNS, which only a deployed stack (or LocalStack) serves. */
type ClientService = AwsService | 'sns';

const ENV_SERVICE_SUFFIX: Record<ClientService, string> = {
  kinesis: 'KINESIS',
  dynamodb: 'DYNAMODB',
  s3: 'S3',
  sns: 'SNS',
};

interface ResolvedConfig {
  region?: string;
  endpoint?: string;
  credentials?: StaticCredentials;
}

/** Resolves the explicit config against the standard environment for one service. */
export function resolveClientConfig(
  service: ClientService,
  config: AwsClientConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const explicit =
    typeof config.endpoint === 'string' ? config.endpoint : config.endpoint?.[service as AwsService];
  const endpoint =
    explicit ??
    nonEmpty(env[`AWS_ENDPOINT_URL_${ENV_SERVICE_SUFFIX[service]}`]) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  const region =
    config.region ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION) ??
    (endpoint ? 'us-east-1' : undefined);
  const environmentHasCredentials = Boolean(nonEmpty(env.AWS_ACCESS_KEY_ID) || nonEmpty(env.AWS_PROFILE));
  const credentials =
    config.credentials ?? (endpoint && !environmentHasCredentials ? EMULATOR_CREDENTIALS : undefined);
  return {
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    // A copy: the SDK annotates the credentials object it is given.
    ...(credentials && { credentials: { ...credentials } }),
  };
}

/**
 * Kinesis client over HTTP/1.1: the SDK's default HTTP/2 handler fails every call against
 * kinesalite with "Protocol error" (kinesalite 3.3.3), and HTTP/1.1 with keep-alive is what AWS accepts too.
 */
export function createKinesisClient(config?: AwsClientConfig): KinesisClient {
  const client = new KinesisClient({
    ...resolveClientConfig('kinesis', config),
    requestHandler: new NodeHttpHandler(),
  });
  installMetering(client, 'kinesis', config?.meter ?? processUsageMeter);
  return client;
}

export function createDynamoDbClient(config?: AwsClientConfig): DynamoDBClient {
  const client = new DynamoDBClient(resolveClientConfig('dynamodb', config));
  installMetering(client, 'dynamodb', config?.meter ?? processUsageMeter);
  return client;
}

/** DocumentClient over {@link createDynamoDbClient}; `undefined` attributes are dropped rather than rejected. */
export function createDocumentClient(config?: AwsClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * S3 client. With an endpoint it uses path-style URLs (emulators and LocalStack have no bucket DNS).
 * Checksums only when required: with the SDK's default checksums s3rver stores streamed bodies
 * corrupted (s3rver 3.7.1), and AWS still validates the ones an operation requires.
 */
export function createS3Client(config?: AwsClientConfig): S3Client {
  const resolved = resolveClientConfig('s3', config);
  const client = new S3Client({
    ...resolved,
    forcePathStyle: resolved.endpoint !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  installMetering(client, 's3', config?.meter ?? processUsageMeter);
  return client;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** SNS client (the market alerts' topic); not metered: a few publishes a day at most. */
export function createSnsClient(config?: AwsClientConfig): SNSClient {
  return new SNSClient(resolveClientConfig('sns', config));
}
