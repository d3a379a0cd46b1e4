import type { EventTimeRange } from '../../domain/tick-bounds.js';
import { BronzeWriter } from '../../pipeline/bronze/bronze-writer.js';
import { TickCompactor, type TickCompactorOptions } from '../../pipeline/bronze/tick-compactor.js';
import { type AwsClientConfig, createS3Client } from '../aws-clients.js';
import { type FaultInjector, injectWriteFaults } from '../chaos.js';
import { type ObjectStore, S3ObjectStore } from '../s3-object-store.js';
import { S3MarkStore } from './s3-mark-store.js';
import { S3StagingArea } from './s3-staging-area.js';
import { S3TickLake } from './s3-tick-lake.js';

export interface BronzeWiringOptions {
  readonly lakeBucket: string;
  readonly aws?: AwsClientConfig;
  /** Fault injection on every S3 write (`--chaos`). */
  readonly faults?: FaultInjector;
  readonly compaction?: TickCompactorOptions;
  /** Accepted event times, as the aggregator's. @default [2000-01-01, 2100-01-01) */
  readonly eventTimeRange?: EventTimeRange;
}

/** The bronze layer over one lake bucket: the writer for the stream consumer, the compactor for the schedule. */
export interface Bronze {
  readonly writer: BronzeWriter;
  readonly compactor: TickCompactor;
  readonly store: ObjectStore;
}

/** Builds the bronze writer and the compactor over one S3 client (create once per module, reuse). */
export function wireBronze(opts: BronzeWiringOptions): Bronze {
  const s3 = createS3Client(opts.aws);
  if (opts.faults) injectWriteFaults(s3, opts.faults);
  return bronzeOver(new S3ObjectStore(s3, opts.lakeBucket), opts.compaction, opts.eventTimeRange);
}

/** The bronze layer over any object store (tests wrap the store to inject crashes). */
export function bronzeOver(
  store: ObjectStore,
  compaction?: TickCompactorOptions,
  eventTimeRange?: EventTimeRange,
): Bronze {
  const staging = new S3StagingArea(store);
  return {
    writer: new BronzeWriter(staging, eventTimeRange, new S3MarkStore(store)),
    compactor: new TickCompactor(staging, new S3TickLake(store), compaction),
    store,
  };
}
