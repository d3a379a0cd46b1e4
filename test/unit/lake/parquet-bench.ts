/**
 * Measures the lake's Parquet writer and reader on 1,000,000 one-minute bars (not a test: a script).
 * Run: npx tsx test/unit/lake/parquet-bench.ts [rows]
 */

import { loadavg } from 'node:os';
import { tableToIPC } from 'apache-arrow';
import { arrowTable } from '../../../shared/adapters/parquet/arrow-columns.js';
import {
  decodeParquet,
  encodeParquet,
  ensureParquetWasm,
  inspectParquet,
} from '../../../shared/adapters/parquet/index.js';
import type { LakeRow } from '../../../shared/lake/schemas.js';
import { BARS_SCHEMA } from '../../../shared/lake/schemas.js';

const n = Number(process.argv[2] ?? 1_000_000);
const T0 = Date.UTC(2024, 0, 1);

function report(label: string, wallStart: number, cpuStart: NodeJS.CpuUsage): void {
  const wall = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${label.padEnd(40)} wall ${wall.toFixed(0).padStart(6)} ms  cpu ${cpuMs.toFixed(0).padStart(6)} ms`,
  );
}

function time<T>(label: string, work: () => T): T {
  const [wall, cpu] = [performance.now(), process.cpuUsage()];
  const result = work();
  report(label, wall, cpu);
  return result;
}

async function timeAsync<T>(label: string, work: () => Promise<T>): Promise<T> {
  const [wall, cpu] = [performance.now(), process.cpuUsage()];
  const result = await work();
  report(label, wall, cpu);
  return result;
}

let price = 1.1;
const rows: LakeRow[] = Array.from({ length: n }, (_, i) => {
  const open = price;
  price *= Math.exp((Math.sin(i * 12.9898) * 43758.5453) % 1e-3);
  const volume = i % 97 === 0 ? 0 : 1000 + (i % 500);
  return {
    window_start: T0 + i * 60_000,
    window_end: T0 + (i + 1) * 60_000,
    open,
    high: Math.max(open, price) * 1.0001,
    low: Math.min(open, price) * 0.9999,
    close: price,
    volume,
    vwap: volume === 0 ? null : (open + price) / 2,
    trade_count: volume === 0 ? 0 : 1 + (i % 40),
  };
});
const columns = Object.fromEntries(BARS_SCHEMA.columns.map((c) => [c.name, rows.map((r) => r[c.name]!)]));

console.log(
  `${n.toLocaleString('en')} bars, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`,
);
time('load parquet-wasm (cold start, once)', () => ensureParquetWasm());
const table = time('  phase: columns → Arrow table', () => arrowTable(BARS_SCHEMA, columns));
time('  phase: Arrow → IPC stream', () => tableToIPC(table, 'stream'));
const bytes = time('encode rows → Parquet (SNAPPY)', () => encodeParquet(BARS_SCHEMA, rows));
time('encode columns → Parquet (SNAPPY)', () => encodeParquet(BARS_SCHEMA, columns));
const zstd = time('encode columns → Parquet (ZSTD)', () =>
  encodeParquet(BARS_SCHEMA, columns, { compression: 'ZSTD' }),
);
const decoded = await timeAsync('decode with hyparquet → rows', () => decodeParquet(bytes));
if (decoded.length !== n || decoded[n - 1]!.window_start !== rows[n - 1]!.window_start)
  throw new Error('mismatch');
const facts = inspectParquet(bytes);
console.log(
  `size SNAPPY ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ZSTD ${(zstd.length / 2 ** 20).toFixed(1)} MiB`,
);
console.log(`row groups ${facts.rowGroups.join(', ')}; pages ${facts.columns[0]!.pageTypes.join('+')}`);
console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
