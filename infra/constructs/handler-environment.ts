import { metricsNamespace } from '../../shared/metrics.js';
import { DEFAULT_CONFIG, HANDLER_ENV, type TickflowConfig } from '../config.js';
import type { KafkaSource, SelfManagedAuth } from '../kafka-source.js';

/**
 * The engine settings a handler reads at cold start (windows, lateness, dedup horizon, idle
 * timeout, accepted event times, live skew check).
 */
export type EngineSettings = Pick<
  TickflowConfig,
  | 'intervals'
  | 'allowedLatenessMs'
  | 'dedupHorizonMs'
  | 'idleTimeoutMs'
  | 'eventTimeFromMs'
  | 'eventTimeToMs'
  | 'maxFutureSkewMs'
>;

/** Engine settings from the defaults in `shared/config.ts`. */
export const DEFAULT_ENGINE: EngineSettings = {
  intervals: DEFAULT_CONFIG.intervals,
  allowedLatenessMs: DEFAULT_CONFIG.allowedLatenessMs,
  idleTimeoutMs: DEFAULT_CONFIG.idleTimeoutMs,
  eventTimeFromMs: DEFAULT_CONFIG.eventTimeFromMs,
  eventTimeToMs: DEFAULT_CONFIG.eventTimeToMs,
  maxFutureSkewMs: DEFAULT_CONFIG.maxFutureSkewMs,
};

/** Environment entries for the engine settings, named by `HANDLER_ENV`. */
export function engineEnvironment(engine: EngineSettings): Record<string, string> {
  return {
    [HANDLER_ENV.intervals]: engine.intervals.join(','),
    [HANDLER_ENV.allowedLatenessMs]: String(engine.allowedLatenessMs),
    [HANDLER_ENV.dedupHorizonMs]: String(engine.dedupHorizonMs ?? engine.allowedLatenessMs),
    [HANDLER_ENV.idleTimeoutMs]: String(engine.idleTimeoutMs),
    [HANDLER_ENV.eventTimeFromMs]: String(engine.eventTimeFromMs),
    [HANDLER_ENV.eventTimeToMs]: String(engine.eventTimeToMs),
    [HANDLER_ENV.maxFutureSkewMs]: String(engine.maxFutureSkewMs),
  };
}

/** A construct whose handler publishes metrics: the environment's namespace. */
export interface MetricsNamespaceProps {
  /**
   * CloudWatch namespace the handler publishes to and alarms read (`metricsNamespace(prefix)`).
   * @default DEFAULT_METRICS_NAMESPACE
   */
  readonly metricsNamespace?: string;
}

/** The namespace of a construct used outside TickflowStack: the default prefix's. */
export const DEFAULT_METRICS_NAMESPACE = metricsNamespace(DEFAULT_CONFIG.prefix);

/** Powertools metrics settings: the environment's namespace, `service` dimension = the handler's name. */
export function metricsEnvironment(
  service: string,
  namespace: string = DEFAULT_METRICS_NAMESPACE,
): Record<string, string> {
  return {
    [HANDLER_ENV.metricsNamespace]: namespace,
    [HANDLER_ENV.serviceName]: service,
  };
}

const KAFKA_AUTH: Record<SelfManagedAuth, string> = {
  SASL_SCRAM_256: 'scram-sha-256',
  SASL_SCRAM_512: 'scram-sha-512',
  MTLS: 'mtls',
};

/**
 * Where and how a handler produces to the Kafka topic (the idle flush's watermark marks): topic,
 * bootstrap brokers (MSK: the IAM listener), sign-in mechanism and the secrets it reads, named by
 * `HANDLER_ENV`.
 */
export function kafkaProducerEnvironment(source: KafkaSource): Record<string, string> {
  const cluster = source.msk ?? source.selfManaged!;
  const selfManaged = source.selfManaged;
  return {
    [HANDLER_ENV.kafkaTopic]: source.topic,
    [HANDLER_ENV.kafkaBootstrap]: cluster.bootstrapServers.join(','),
    [HANDLER_ENV.kafkaAuth]: selfManaged ? KAFKA_AUTH[selfManaged.authentication] : 'aws-msk-iam',
    ...(selfManaged && { [HANDLER_ENV.kafkaSecretArn]: selfManaged.secretArn }),
    ...(selfManaged?.rootCaSecretArn && { [HANDLER_ENV.kafkaRootCaSecretArn]: selfManaged.rootCaSecretArn }),
  };
}
