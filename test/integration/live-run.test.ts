/**
 * Live mode (`npm start`): while the producer is still publishing at a fixed rate, the idle flush and
 * the materializer run every two seconds, so final bars reach the lake during the run, not only at
 * its end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type RunProgress, runLocalPipeline } from '../../local/run/local-run.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

it('a live run puts final bars in the lake while ticks are still being published', {
  timeout: 180_000,
}, async () => {
  const out = await mkdtemp(join(tmpdir(), 'tickflow-live-'));
  dirs.push(out);
  const seen: RunProgress[] = [];
  const summary = await runLocalPipeline({
    source: { kind: 'simulate', simulation: { symbols: 3, ticks: 24_000, seed: 'live', ticksPerSecond: 2 } },
    out,
    rate: 2_000,
    pack: 20,
    idleTimeoutMs: 1_000,
    onProgress: (p) => seen.push(p),
  });
  const duringStream = seen.filter((p) => p.phase === 'stream');
  const withBars = duringStream.filter((p) => p.barsInLake > 0);
  expect(withBars.length).toBeGreaterThan(0);
  // Bars were visible before the producer had published everything.
  expect(Math.min(...withBars.map((p) => p.published))).toBeLessThan(24_000);
  expect(summary.valid).toBe(24_000);
  expect(summary.bars['1m']).toBeGreaterThan(0);
});
