/**
 * The cost of one hourly rewrite (not a test: a script), to size compaction: decode an existing hour file
 * of N ticks, merge 1,000 staged ticks, encode it again. Also the bytes per row of large and small files.
 * Run: npx tsx test/unit/bronze/compaction-bench.ts [N …]
 */

import {
  lakeTickRow,
  originTickFromRow,
  STAGED_TICKS_SCHEMA,
  stagedRow,
} from '../../../shared/adapters/bronze/tick-rows.js';
import { decodeParquet, encodeParquet, ensureParquetWasm } from '../../../shared/adapters/parquet/index.js';
import { TICKS_SCHEMA } from '../../../shared/lake/schemas.js';
import { mergeTicks } from '../../../shared/pipeline/bronze/tick-order.js';
import type { OriginTick } from '../../../shared/pipeline/ports.js';
import { originTick, seq, T0 } from '../../support/bronze/factories.js';

const sizes = process.argv.slice(2).map(Number);
const HOUR = Date.UTC(2024, 0, 2, 13);

function ticks(from: number, n: number): OriginTick[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return originTick(
      {
        symbol: 'BTC-USDT',
        ts: HOUR + (Math.floor((i * 3_599_999) / 1_000_003) % 3_600_000),
        price: 42_000 + (i % 997) / 8,
        size: (i % 13) / 100,
        ...(i % 2 ? { id: `t${i}` } : {}),
      },
      { sequenceNumber: seq(i), subIndex: 0, arrivalTime: T0 + i },
    );
  });
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

ensureParquetWasm();
const small = encodeParquet(STAGED_TICKS_SCHEMA, ticks(0, 25).map(stagedRow));
console.log(
  `staged object of 25 ticks: ${small.byteLength} bytes (${(small.byteLength / 25).toFixed(0)} B/row)`,
);
for (const n of sizes.length > 0 ? sizes : [10_000, 100_000, 500_000]) {
  const file = encodeParquet(TICKS_SCHEMA, ticks(0, n).map(lakeTickRow));
  const [existing, decodeMs] = await timed(async () =>
    (await decodeParquet(file)).map((row, i) => originTickFromRow(row, i, 'BTC-USDT')),
  );
  const [merged, mergeMs] = await timed(() => mergeTicks(existing, ticks(n, 1000)));
  const [bytes, encodeMs] = await timed(() => encodeParquet(TICKS_SCHEMA, merged.ticks.map(lakeTickRow)));
  console.log(
    `hour file of ${n} ticks: ${(bytes.byteLength / 1e6).toFixed(2)} MB (${(bytes.byteLength / n).toFixed(1)} B/row); ` +
      `rewrite = decode ${decodeMs.toFixed(0)} ms + merge ${mergeMs.toFixed(0)} ms + encode ${encodeMs.toFixed(0)} ms; ` +
      `heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
}
