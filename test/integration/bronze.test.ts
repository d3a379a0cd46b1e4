/**
 * The bronze consumer end to end on the local emulators: real Kinesis events from kinesalite through the
 * local event source mapping (retries, bisection, batches re-split differently on every retry), S3 writes
 * failing at random before or after they take effect, then compaction (also under faults). The lake must
 * hold exactly the valid ticks put on the stream, each once, with their stream origin.
 */

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBronzeHandler } from '../../functions/bronze/handler.js';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { EventSourceMappingRunner } from '../../local/esm-runner.js';
import { createKinesisClient, createS3Client } from '../../shared/adapters/aws-clients.js';
import { bronzeOver } from '../../shared/adapters/bronze/wiring.js';
import { FaultInjector, injectWriteFaults } from '../../shared/adapters/chaos.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { resourceNames } from '../../shared/config.js';
import type { BronzeBatchReport } from '../../shared/pipeline/bronze/bronze-writer.js';
import { stageBatch } from '../../shared/pipeline/bronze/staged-ticks.js';
import type { OriginTick } from '../../shared/pipeline/ports.js';
import { duplicatedIdentities, readTickLake, tickText } from '../support/bronze/lake-view.js';

let aws: LocalAws;
let kinesis: KinesisClient;
const s3Clients: S3Client[] = [];

beforeAll(async () => {
  aws = await startLocalAws({ shards: 2, names: resourceNames('bronzetest') });
  kinesis = createKinesisClient(aws.clientConfig);
});
afterAll(async () => {
  kinesis?.destroy();
  for (const s3 of s3Clients) s3.destroy();
  await aws?.stop();
});

/** An S3 object store on the lake bucket, optionally with write faults injected into its client. */
function lakeStore(faults?: FaultInjector): S3ObjectStore {
  const s3 = createS3Client(aws.clientConfig);
  s3Clients.push(s3);
  if (faults) injectWriteFaults(s3, faults);
  return new S3ObjectStore(s3, aws.names.lakeBucket);
}

const SYMBOLS = ['BTC-USDT', 'EUR/USD', 'XAU:USD', 'AAPL'];
const T0 = Date.UTC(2024, 0, 1, 21, 30);

/** Record i of the stream: single ticks, packed arrays with an invalid element, garbage, repeated payloads. */
function payload(i: number): { key: string; body: string } {
  const symbol = SYMBOLS[i % SYMBOLS.length]!;
  const tick = (k: number) => ({
    symbol,
    ts: T0 + k * 23_000,
    price: 100 + (k % 17) / 4,
    size: k % 3,
    ...(k % 5 === 0 ? { id: `trade-${k}` } : {}),
  });
  if (i % 10 === 3)
    return { key: symbol, body: JSON.stringify([tick(i), { ...tick(i), price: 0 }, tick(i + 1)]) };
  if (i % 17 === 5) return { key: symbol, body: '{"symbol":' };
  // A producer retry: the same tick sent again as another record. Bronze keeps both (raw data).
  if (i % 29 === 7) return { key: symbol, body: JSON.stringify(tick(i - 4)) };
  return { key: symbol, body: JSON.stringify(tick(i)) };
}

describe('bronze writer behind the event source mapping', () => {
  it('lands every valid tick exactly once, with its origin, through retries, re-splits and faults', async () => {
    const puts = Array.from({ length: 400 }, (_, i) => payload(i));
    const putStart = Date.now();
    const expected: OriginTick[] = [];
    for (let i = 0; i < puts.length; i += 200) {
      const chunk = puts.slice(i, i + 200);
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: aws.names.tickStream,
          Records: chunk.map((p) => ({ PartitionKey: p.key, Data: Buffer.from(p.body) })),
        }),
      );
      expect(out.FailedRecordCount ?? 0).toBe(0);
      const decoded = out.Records!.map((r, j) => ({
        shardId: r.ShardId!,
        sequenceNumber: r.SequenceNumber!,
        arrivalTime: 0,
        payloads: [chunk[j]!.body],
      }));
      for (const ticks of stageBatch(decoded).byShard.values()) expected.push(...ticks);
    }
    const putEnd = Date.now();

    const faults = new FaultInjector(0.25, 'bronze-it');
    const bronze = bronzeOver(lakeStore(faults));
    const reports: BronzeBatchReport[] = [];
    const esm = new EventSourceMappingRunner({
      kinesis,
      streamName: aws.names.tickStream,
      functionName: 'tickflow-bronze',
      handler: createBronzeHandler({ writer: bronze.writer, onReport: (r) => reports.push(r) }),
      batchSize: 25,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      maximumRetryAttempts: -1,
      retryBackoff: { initialMs: 1, maxMs: 20 },
      pollIntervalMs: 20,
      chaos: { seed: 11, resplit: true },
    });
    try {
      await esm.start();
      await esm.waitUntilIdle({ timeoutMs: 60_000 });
    } finally {
      await esm.stop();
    }
    expect(faults.injected.before + faults.injected.after).toBeGreaterThan(0);
    expect(esm.stats.retries).toBeGreaterThan(0);
    expect(esm.stats.recordsToDestination).toBe(0);
    // Every tick was staged at least once by a successful invocation; some more than once.
    expect(reports.reduce((n, r) => n + r.ticks, 0)).toBeGreaterThanOrEqual(expected.length);

    // Compaction under the same kind of faults: a failed run is simply run again.
    let runs = 0;
    for (;;) {
      runs++;
      try {
        const report = await bronze.compactor.run();
        if (report.remaining === 0 && (await bronze.store.list('staging/')).length === 0) break;
      } catch {
        expect(runs).toBeLessThan(50);
      }
    }

    const clean = lakeStore();
    const lake = await readTickLake(clean);
    expect(duplicatedIdentities(lake.ticks)).toEqual([]);
    const withoutArrival = (t: OriginTick) => tickText({ ...t, origin: { ...t.origin, arrivalTime: 0 } });
    expect(lake.ticks.map(withoutArrival).sort()).toEqual(expected.map(withoutArrival).sort());
    // Packed records hold 2 valid ticks, garbage records none, every other record one.
    const packed = puts.filter((p) => p.body.startsWith('[')).length;
    const garbage = puts.filter((p) => p.body === '{"symbol":').length;
    expect(packed).toBe(40);
    expect(garbage).toBe(22);
    expect(lake.ticks.length).toBe(puts.length + packed - garbage);
    for (const t of lake.ticks) {
      expect(t.origin.arrivalTime).toBeGreaterThanOrEqual(putStart - 2000);
      expect(t.origin.arrivalTime).toBeLessThanOrEqual(putEnd + 2000);
    }
    const shards = new Set(lake.ticks.map((t) => t.origin.shardId));
    expect(shards.size).toBe(2);
    // Few large files: one per symbol and hour (ts from 21:30 to 00:03 touches 4 hours across a midnight).
    expect(lake.files.length).toBe(SYMBOLS.length * 4);
  }, 180_000);
});
