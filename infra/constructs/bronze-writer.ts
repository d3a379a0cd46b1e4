import type { Construct } from 'constructs';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { DEFAULT_CONFIG, HANDLER_ENV } from '../config.js';
import {
  type EngineSettings,
  type MetricsNamespaceProps,
  metricsEnvironment,
} from './handler-environment.js';
import type { Lake, LakePrefix } from './lake.js';
import { StreamConsumerFunction, type StreamConsumerFunctionProps } from './stream-consumer.js';

/**
 * The only lake prefixes the bronze writer may write: its staged objects and the watermark marks it
 * keeps for backfill. The compactor, not the writer, moves staged ticks into `ticks/`, so the writer
 * has no access to the table itself.
 */
export const BRONZE_LAKE_PREFIXES: readonly LakePrefix[] = ['staging/ticks/', '_marks/'];
export const BRONZE_SERVICE = METRIC_SERVICES.bronze;

export interface BronzeWriterProps extends StreamConsumerFunctionProps, MetricsNamespaceProps {
  readonly lake: Lake;
  /** Accepted event times, the aggregator's: a tick it quarantines is kept out of bronze too. @default the defaults of `shared/config.ts` */
  readonly eventTimes?: Pick<EngineSettings, 'eventTimeFromMs' | 'eventTimeToMs'>;
}

/**
 * The second stream consumer: stages every raw tick for the lake's bronze layer (`staging/ticks/`, which
 * the Compactor folds into `ticks/`), with the same event-source safety switches as the aggregator. It
 * can read the stream and write `staging/ticks/`; nothing else.
 */
export class BronzeWriter extends StreamConsumerFunction {
  constructor(scope: Construct, id: string, props: BronzeWriterProps) {
    super(scope, id, props, {
      entry: 'functions/bronze/index.ts',
      shipParquetWasm: true,
      description: 'tickflow: bronze writer (raw ticks to Parquet)',
      environment: {
        [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName,
        [HANDLER_ENV.eventTimeFromMs]: String(
          props.eventTimes?.eventTimeFromMs ?? DEFAULT_CONFIG.eventTimeFromMs,
        ),
        [HANDLER_ENV.eventTimeToMs]: String(props.eventTimes?.eventTimeToMs ?? DEFAULT_CONFIG.eventTimeToMs),
        ...metricsEnvironment(BRONZE_SERVICE, props.metricsNamespace),
      },
    });
    props.lake.grantWrite(this.function, BRONZE_LAKE_PREFIXES);
  }
}
