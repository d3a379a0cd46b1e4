/**
 * The cost of a compaction run as an hour file grows (not a test: a script). Each round stages `--staged`
 * ticks of one symbol and hour (in staged objects of 5,000) and times one run of the real compactor over a
 * local directory, side by side on two lakes: in parts of `--part-rows` (the compactor's way) and as one
 * file rewritten whole (what it did before parts: `partRows` unbounded). Also prints bytes per row.
 * Run: npx tsx test/unit/bronze/compaction-bench.ts [--rounds 20] [--staged 50000] [--part-rows 262144]
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { S3StagingArea } from '../../../shared/adapters/bronze/s3-staging-area.js';
import { STAGED_TICKS_SCHEMA, stagedRow } from '../../../shared/adapters/bronze/tick-rows.js';
import { bronzeOver } from '../../../shared/adapters/bronze/wiring.js';
import { FileObjectStore } from '../../../shared/adapters/file-object-store.js';
import { encodeParquet, ensureParquetWasm } from '../../../shared/adapters/parquet/index.js';
import { stagingKey } from '../../../shared/pipeline/bronze/staging-keys.js';
import { DEFAULT_PART_ROWS } from '../../../shared/pipeline/bronze/tick-parts.js';
import type { OriginTick } from '../../../shared/pipeline/ports.js';
import { originTick, seq, T0 } from '../../support/bronze/factories.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    staged: { type: 'string', default: '50000' },
    'part-rows': { type: 'string', default: String(DEFAULT_PART_ROWS) },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values.staged);
const partRows = Number(values['part-rows']);
const HOUR = Date.UTC(2024, 0, 2, 13);
const OBJECT_TICKS = 5_000;

/** Ticks i.. of one symbol in arrival order, event times spread over the hour (a 32-hex-digit id on half). */
function ticks(from: number, n: number): OriginTick[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return originTick(
      {
        symbol: 'BTC-USDT',
        ts: HOUR + Math.floor((i / (rounds * perRound)) * 3_599_000) + (i % 7),
        price: 42_000 + (i % 997) / 8,
        size: (i % 13) / 100,
        ...(i % 2 ? { id: (i * 2_654_435_761).toString(16).padStart(32, '0') } : {}),
      },
      { sequenceNumber: seq(i), subIndex: 0, arrivalTime: T0 + i },
    );
  });
}

async function stage(staging: S3StagingArea, from: number): Promise<void> {
  for (let i = 0; i < perRound; i += OBJECT_TICKS) {
    const batch = ticks(from + i, Math.min(OBJECT_TICKS, perRound - i));
    await staging.write(stagingKey(batch), batch);
  }
}

ensureParquetWasm();
const small = encodeParquet(STAGED_TICKS_SCHEMA, ticks(0, 25).map(stagedRow));
console.log(
  `staged object of 25 ticks: ${small.byteLength} bytes (${(small.byteLength / 25).toFixed(0)} B/row)`,
);
console.log(
  `${rounds} rounds of ${perRound.toLocaleString('en-US')} staged ticks; parts of ${partRows.toLocaleString('en-US')} rows`,
);

const root = await mkdtemp(join(tmpdir(), 'tickflow-compaction-bench-'));
try {
  const lakes = [
    { name: 'parts', partRows },
    { name: 'one file', partRows: Number.MAX_SAFE_INTEGER },
  ].map(({ name, partRows: rows }) => {
    const store = new FileObjectStore(join(root, name));
    return {
      name,
      store,
      staging: new S3StagingArea(store),
      compactor: bronzeOver(store, { partRows: rows }).compactor,
    };
  });
  const totals = new Map(lakes.map((l) => [l.name, 0]));
  for (let round = 0; round < rounds; round++) {
    const cells: string[] = [];
    for (const lake of lakes) {
      await stage(lake.staging, round * perRound);
      const start = performance.now();
      const report = await lake.compactor.run();
      const ms = performance.now() - start;
      totals.set(lake.name, totals.get(lake.name)! + ms);
      const files = await lake.store.list('ticks/');
      let bytes = 0;
      for (const key of files) bytes += (await lake.store.get(key))!.byteLength;
      cells.push(
        `${lake.name} ${(ms / 1000).toFixed(2)} s (${files.length} file${files.length > 1 ? 's' : ''}, wrote ${report.rowsOut.toLocaleString('en-US')} rows, ${(bytes / ((round + 1) * perRound)).toFixed(1)} B/row)`,
      );
    }
    console.log(
      `hour holds ${((round + 1) * perRound).toLocaleString('en-US')} ticks after the run: ${cells.join(' · ')}`,
    );
  }
  console.log(
    `total: ${lakes.map((l) => `${l.name} ${(totals.get(l.name)! / 1000).toFixed(1)} s`).join(', ')}; ` +
      `heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
