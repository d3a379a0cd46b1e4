import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { type ConsumerConfig, DEFAULT_CONFIG, HANDLER_ENV } from '../config.js';
import { type EngineSettings, metricsEnvironment } from './handler-environment.js';
import type { Lake, LakePrefix } from './lake.js';
import { type HandlerCodeProps, PipelineFunction } from './pipeline-function.js';
import { StreamConsumer } from './stream-consumer.js';

/**
 * The only lake prefixes the bronze writer may write: its staged objects and the watermark marks it
 * keeps for backfill. The compactor, not the writer, moves staged ticks into `ticks/`, so the writer
 * has no access to the table itself.
 */
export const BRONZE_LAKE_PREFIXES: readonly LakePrefix[] = ['staging/ticks/', '_marks/'];
export const BRONZE_SERVICE = METRIC_SERVICES.bronze;

export interface BronzeWriterProps extends HandlerCodeProps {
  readonly stream: kinesis.IStream;
  readonly lake: Lake;
  /** Accepted event times, the aggregator's: a tick it quarantines is kept out of bronze too. @default the defaults of `shared/config.ts` */
  readonly eventTimes?: Pick<EngineSettings, 'eventTimeFromMs' | 'eventTimeToMs'>;
  /** @default DEFAULT_CONFIG.consumer */
  readonly consumer?: Partial<ConsumerConfig>;
  /** Key of the dead-letter queue. @default a new key */
  readonly dlqKey?: kms.IKey;
}

/**
 * The second stream consumer: stages every raw tick for the lake's bronze layer (`staging/ticks/`, which
 * the Compactor folds into `ticks/`), with the same event-source safety switches as the aggregator. It
 * can read the stream and write `staging/ticks/`; nothing else.
 */
export class BronzeWriter extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: BronzeWriterProps) {
    super(scope, id);
    const consumer = { ...DEFAULT_CONFIG.consumer, ...props.consumer };
    const fn = new PipelineFunction(this, 'Handler', {
      entry: props.entry ?? 'functions/bronze/index.ts',
      code: props.code,
      bundling: props.bundling,
      shipParquetWasm: true,
      description: 'tickflow: bronze writer (raw ticks to Parquet)',
      memoryMb: consumer.memoryMb,
      timeoutSeconds: consumer.timeoutSeconds,
      environment: {
        [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName,
        [HANDLER_ENV.eventTimeFromMs]: String(
          props.eventTimes?.eventTimeFromMs ?? DEFAULT_CONFIG.eventTimeFromMs,
        ),
        [HANDLER_ENV.eventTimeToMs]: String(props.eventTimes?.eventTimeToMs ?? DEFAULT_CONFIG.eventTimeToMs),
        ...metricsEnvironment(BRONZE_SERVICE),
      },
    }).function;
    const source = new StreamConsumer(this, 'Source', {
      function: fn,
      stream: props.stream,
      consumer,
      dlqKey: props.dlqKey,
    });
    props.lake.grantWrite(fn, BRONZE_LAKE_PREFIXES);
    this.function = fn;
    this.deadLetterQueue = source.deadLetterQueue;
  }
}
