/**
 * The `source` setting: where the ticks come from. `kinesis` (the default) is the stack's own Kinesis
 * stream; `kafka` is a topic on a cluster the user runs, Amazon MSK (IAM auth) or self-managed Kafka
 * (SASL/SCRAM or mTLS, credentials in Secrets Manager), or on an MSK Serverless cluster the stack
 * creates for a trial (`trial`). docs/configuration.md documents every field,
 * README ("Kafka and Amazon MSK") the network and the differences from Kinesis.
 *
 * Everything is checked at synth with a message that names the setting, because a wrong ARN or
 * subnet id would otherwise surface as a failed event source mapping long after `cdk deploy`.
 */
import { Fn, Token } from 'aws-cdk-lib';
import { InfraConfigError } from './errors.js';

export interface KinesisSource {
  readonly kind: 'kinesis';
}

/** An existing Amazon MSK cluster (provisioned or Serverless) with IAM access control. */
export interface MskCluster {
  /** `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`. */
  readonly clusterArn: string;
  /**
   * The cluster's IAM bootstrap brokers (`aws kafka get-bootstrap-brokers`, `BootstrapBrokerStringSaslIam`,
   * port 9098): the idle flush produces its watermark marks there. The event source mappings find
   * the brokers from the cluster ARN themselves.
   */
  readonly bootstrapServers: readonly string[];
}

/** How Lambda and the idle flush authenticate to a self-managed cluster. */
export const SELF_MANAGED_AUTH = ['SASL_SCRAM_256', 'SASL_SCRAM_512', 'MTLS'] as const;
export type SelfManagedAuth = (typeof SELF_MANAGED_AUTH)[number];

/** A Kafka cluster tickflow does not manage (on EC2, on premises, another cloud, Confluent…). */
export interface SelfManagedCluster {
  /** `host:port` of the brokers, TLS listeners. */
  readonly bootstrapServers: readonly string[];
  readonly authentication: SelfManagedAuth;
  /**
   * Secrets Manager secret: `{"username","password"}` for SASL/SCRAM; for mTLS the client certificate
   * chain and private key (`{"certificate","privateKey"}`), as Lambda reads them.
   */
  readonly secretArn: string;
  /** The customer-managed KMS key that encrypts the secret(s), if not the AWS-managed one. */
  readonly secretKeyArn?: string;
  /** Secret with the root CA certificate (`{"certificate"}`) when the brokers' certificates come from a private CA. */
  readonly rootCaSecretArn?: string;
}

/**
 * An Amazon MSK Serverless cluster the stack creates for a trial, with its own VPC and the topic
 * (infra/constructs/msk-trial.ts). It bills per cluster-hour whether ticks flow or not
 * (`npx tickflow cost --idle`), which is why it is a trial option and not the default.
 */
export interface MskTrial {
  /** Partitions of the topic the stack creates: the consumers' parallelism. Raised in place, never lowered. */
  readonly partitions: number;
}

export const DEFAULT_TRIAL: MskTrial = { partitions: 4 };
/** AZs the trial VPC spans (MSK Serverless needs subnets in at least two). */
export const TRIAL_AZS = 2;
/**
 * MSK Serverless' partitions per cluster as the Amazon MSK Developer Guide's "MSK Serverless quota"
 * table has listed it (120); plenty for a trial, and each one bills per hour.
 */
export const MAX_TRIAL_PARTITIONS = 120;

/** The subnets and security groups through which Lambda reaches the brokers. */
export interface KafkaNetwork {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Lambda's provisioned event pollers per event source mapping (Kafka's error handling needs them). */
export interface KafkaPollers {
  readonly minimum: number;
  readonly maximum: number;
}

export interface KafkaSource {
  readonly kind: 'kafka';
  readonly topic: string;
  /** Exactly one of `msk`, `selfManaged` and `trial`. */
  readonly msk?: MskCluster;
  readonly selfManaged?: SelfManagedCluster;
  readonly trial?: MskTrial;
  /**
   * Required with `msk` (the idle flush runs in the cluster's VPC to produce to it; the event source
   * mappings use the cluster's own network configuration); with `selfManaged`, give it when the
   * brokers are reachable only inside a VPC.
   */
  readonly network?: KafkaNetwork;
  readonly pollers: KafkaPollers;
}

export type SourceConfig = KinesisSource | KafkaSource;

/** The setting as written in an environment file: the pollers may be left out. */
export type SourceSetting =
  | KinesisSource
  | (Omit<KafkaSource, 'pollers' | 'trial'> & {
      readonly pollers?: Partial<KafkaPollers>;
      readonly trial?: Partial<MskTrial>;
    });

export const DEFAULT_SOURCE: SourceConfig = { kind: 'kinesis' };

/** The stack's stream consumers: on Kafka each reads every partition in a consumer group of its own. */
export type KafkaConsumer = 'aggregator' | 'bronze';
export const KAFKA_CONSUMERS: readonly KafkaConsumer[] = ['aggregator', 'bronze'];

/** A consumer's group, named after the environment's prefix (`tickflow-dev-aggregator`). */
export function consumerGroupId(prefix: string, consumer: KafkaConsumer): string {
  return `${prefix}-${consumer}`;
}
export const DEFAULT_POLLERS: KafkaPollers = { minimum: 1, maximum: 2 };

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const MSK_CLUSTER_ARN =
  /^arn:aws[a-z-]*:kafka:[a-z]{2}(-[a-z]+)+-\d:\d{12}:cluster\/[a-zA-Z0-9-]+\/[a-zA-Z0-9-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/[a-f0-9-]+$/;
const BROKER = /^[a-zA-Z0-9.-]+:\d{1,5}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;

/**
 * The `source` setting, checked: unknown fields refused, `kafka` with exactly one cluster kind, every
 * ARN, id and broker address in its AWS format, pollers defaulted. `value` is what the environment
 * file or the context value holds.
 */
export function parseSource(value: unknown): SourceConfig {
  const at = 'source';
  const obj = object(at, value, '{"kind":"kinesis"} or {"kind":"kafka", …} (docs/configuration.md)');
  if (obj.kind === 'kinesis') {
    only(at, obj, ['kind']);
    return DEFAULT_SOURCE;
  }
  if (obj.kind !== 'kafka') throw new InfraConfigError(`${at}.kind`, obj.kind, 'use "kinesis" or "kafka"');
  only(at, obj, ['kind', 'topic', 'msk', 'selfManaged', 'trial', 'network', 'pollers']);
  const topic = obj.topic;
  if (typeof topic !== 'string' || !TOPIC.test(topic)) {
    throw new InfraConfigError(`${at}.topic`, topic, "use the topic's name: 1-249 letters, digits, . _ or -");
  }
  if (['msk', 'selfManaged', 'trial'].filter((k) => obj[k] !== undefined).length !== 1) {
    throw new InfraConfigError(
      at,
      value,
      'give exactly one of "msk" (an Amazon MSK cluster with IAM auth), "selfManaged" (bootstrap servers with SASL/SCRAM or mTLS) and "trial" (an MSK Serverless cluster the stack creates)',
    );
  }
  const msk = obj.msk === undefined ? undefined : parseMsk(obj.msk);
  const selfManaged = obj.selfManaged === undefined ? undefined : parseSelfManaged(obj.selfManaged);
  const trial = obj.trial === undefined ? undefined : parseTrial(obj.trial);
  if (trial && obj.network !== undefined) {
    throw new InfraConfigError(
      `${at}.network`,
      obj.network,
      'leave it out with "trial": the stack creates the VPC, its subnets and security group itself',
    );
  }
  const network = obj.network === undefined ? undefined : parseNetwork(obj.network);
  if (msk && !network) {
    throw new InfraConfigError(
      `${at}.network`,
      undefined,
      "give the subnets and security groups of the MSK cluster's VPC: the idle flush runs there to put watermark marks on the topic",
    );
  }
  return {
    kind: 'kafka',
    topic,
    ...(msk && { msk }),
    ...(selfManaged && { selfManaged }),
    ...(trial && { trial }),
    ...(network && { network }),
    pollers: obj.pollers === undefined ? DEFAULT_POLLERS : parsePollers(obj.pollers),
  };
}

function parseMsk(value: unknown): MskCluster {
  const at = 'source.msk';
  const obj = object(at, value, 'use {"clusterArn": …, "bootstrapServers": […]}');
  only(at, obj, ['clusterArn', 'bootstrapServers']);
  if (typeof obj.clusterArn !== 'string' || !MSK_CLUSTER_ARN.test(obj.clusterArn)) {
    throw new InfraConfigError(
      `${at}.clusterArn`,
      obj.clusterArn,
      'use the cluster ARN, arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> (aws kafka list-clusters-v2)',
    );
  }
  return {
    clusterArn: obj.clusterArn,
    bootstrapServers: brokers(
      `${at}.bootstrapServers`,
      obj.bootstrapServers,
      'the IAM brokers (port 9098) of aws kafka get-bootstrap-brokers',
    ),
  };
}

function parseTrial(value: unknown): MskTrial {
  const at = 'source.trial';
  const obj = object(at, value, 'use {"partitions": 4}, or {} for the defaults');
  only(at, obj, ['partitions']);
  const partitions = obj.partitions ?? DEFAULT_TRIAL.partitions;
  if (
    !Number.isInteger(partitions) ||
    (partitions as number) < 1 ||
    (partitions as number) > MAX_TRIAL_PARTITIONS
  ) {
    throw new InfraConfigError(
      `${at}.partitions`,
      partitions,
      `use an integer from 1 to ${MAX_TRIAL_PARTITIONS} (each partition bills per hour; 4 is plenty for a trial)`,
    );
  }
  return { partitions: partitions as number };
}

function parseSelfManaged(value: unknown): SelfManagedCluster {
  const at = 'source.selfManaged';
  const obj = object(at, value, 'use {"bootstrapServers": […], "authentication": …, "secretArn": …}');
  only(at, obj, ['bootstrapServers', 'authentication', 'secretArn', 'secretKeyArn', 'rootCaSecretArn']);
  if (!SELF_MANAGED_AUTH.includes(obj.authentication as SelfManagedAuth)) {
    throw new InfraConfigError(
      `${at}.authentication`,
      obj.authentication,
      `use one of ${SELF_MANAGED_AUTH.join(', ')}`,
    );
  }
  const arn = (key: string, pattern: RegExp, what: string, optional: boolean): string | undefined => {
    const v = obj[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || !pattern.test(v))
      throw new InfraConfigError(`${at}.${key}`, v, `use ${what}`);
    return v;
  };
  const secretArn =
    'the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)';
  const secretKeyArn = arn(
    'secretKeyArn',
    KMS_KEY_ARN,
    'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    true,
  );
  const rootCaSecretArn = arn('rootCaSecretArn', SECRET_ARN, secretArn, true);
  return {
    bootstrapServers: brokers(`${at}.bootstrapServers`, obj.bootstrapServers, 'the brokers as host:port'),
    authentication: obj.authentication as SelfManagedAuth,
    secretArn: arn('secretArn', SECRET_ARN, secretArn, false) as string,
    ...(secretKeyArn && { secretKeyArn }),
    ...(rootCaSecretArn && { rootCaSecretArn }),
  };
}

function parseNetwork(value: unknown): KafkaNetwork {
  const at = 'source.network';
  const obj = object(at, value, 'use {"subnetIds": […], "securityGroupIds": […]}');
  only(at, obj, ['subnetIds', 'securityGroupIds']);
  return {
    subnetIds: ids(
      `${at}.subnetIds`,
      obj.subnetIds,
      SUBNET,
      16,
      'subnet ids (subnet-…), at most 16, private subnets of the VPC',
    ),
    securityGroupIds: ids(
      `${at}.securityGroupIds`,
      obj.securityGroupIds,
      SECURITY_GROUP,
      5,
      'security group ids (sg-…), at most 5',
    ),
  };
}

function parsePollers(value: unknown): KafkaPollers {
  const at = 'source.pollers';
  const obj = object(at, value, 'use {"minimum": 1, "maximum": 2}');
  only(at, obj, ['minimum', 'maximum']);
  const minimum = obj.minimum ?? DEFAULT_POLLERS.minimum;
  // Left out, the maximum follows a minimum above the default one.
  const maximum = obj.maximum ?? Math.max(DEFAULT_POLLERS.maximum, Number(minimum));
  if (!Number.isInteger(minimum) || (minimum as number) < 1 || (minimum as number) > 200) {
    throw new InfraConfigError(
      `${at}.minimum`,
      minimum,
      'use an integer from 1 to 200 (event pollers always running)',
    );
  }
  if (!Number.isInteger(maximum) || (maximum as number) < (minimum as number) || (maximum as number) > 2000) {
    throw new InfraConfigError(
      `${at}.maximum`,
      maximum,
      `use an integer from the minimum (${minimum}) to 2000`,
    );
  }
  return { minimum: minimum as number, maximum: maximum as number };
}

function object(at: string, value: unknown, hint: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InfraConfigError(at, value, hint);
  return value as Record<string, unknown>;
}

function only(at: string, obj: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key)) {
      throw new InfraConfigError(`${at}.${key}`, obj[key], `no such setting; ${at} has ${keys.join(', ')}`);
    }
  }
}

function brokers(at: string, value: unknown, what: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((b) => typeof b === 'string' && BROKER.test(b))
  ) {
    throw new InfraConfigError(at, value, `use a non-empty list of ${what}, e.g. ["b-1.example:9098"]`);
  }
  return value as string[];
}

function ids(at: string, value: unknown, pattern: RegExp, max: number, what: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > max ||
    !value.every((v) => typeof v === 'string' && pattern.test(v))
  ) {
    throw new InfraConfigError(at, value, `use ${what}`);
  }
  return value as string[];
}

/** The parts of an MSK cluster ARN that IAM's Kafka resource ARNs are built from. */
export interface MskClusterParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  readonly uuid: string;
}

export function mskClusterParts(clusterArn: string): MskClusterParts {
  const [, partition, , region, account, resource] = clusterArn.split(':') as string[];
  const [, name, uuid] = (resource ?? '').split('/');
  return { partition: partition!, region: region!, account: account!, name: name!, uuid: uuid! };
}

/**
 * The ARNs IAM authorizes MSK's Kafka actions on (Amazon MSK Developer Guide, "IAM access control",
 * resources: `topic/<cluster name>/<cluster uuid>/<topic>`, `group/<cluster name>/<cluster uuid>/<group>`).
 */
export function mskResourceArns(clusterArn: string): {
  readonly cluster: string;
  topic(name: string): string;
  group(name: string): string;
} {
  if (Token.isUnresolved(clusterArn)) {
    // A cluster the stack creates: its ARN is known at deploy only, so CloudFormation rewrites
    // `…:cluster/<name>/<uuid>` to `…:topic/<name>/<uuid>/<topic>` (and group) itself.
    const [base, id] = Fn.split(':cluster/', clusterArn, 2) as [string, string];
    return {
      cluster: clusterArn,
      topic: (name) => Fn.join('', [base, ':topic/', id, '/', name]),
      group: (name) => Fn.join('', [base, ':group/', id, '/', name]),
    };
  }
  const p = mskClusterParts(clusterArn);
  const base = `arn:${p.partition}:kafka:${p.region}:${p.account}`;
  return {
    cluster: clusterArn,
    topic: (name) => `${base}:topic/${p.name}/${p.uuid}/${name}`,
    group: (name) => `${base}:group/${p.name}/${p.uuid}/${name}`,
  };
}
