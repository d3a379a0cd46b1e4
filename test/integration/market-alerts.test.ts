/**
 * Market alerts through `local run`: simulated ticks with injected price jumps, a symbol silent for
 * ten minutes, one silent to the end and a burst of late ticks go through the emulated stream, the
 * aggregator and the outputs table; `alerts.jsonl` holds exactly the injected anomalies and the
 * summary counts them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/run/local-run.js';
import { formatSummary } from '../../local/run/summary.js';
import type { MarketAlert } from '../../shared/domain/market-alerts/index.js';
import { anomalyScenario } from '../support/market-anomalies.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a local run writes exactly the injected anomalies to alerts.jsonl and counts them', {
  timeout: 120_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-alerts-'));
  const { options, expectedAlertIds } = anomalyScenario();
  const summary = await runLocalPipeline({
    source: { kind: 'simulate', simulation: options },
    out: join(dir, 'out'),
    intervals: ['1m', '5m'],
    shards: 2,
  });
  expect(summary.records.toDestination).toBe(0);
  const lines = (await readFile(join(dir, 'out', 'alerts.jsonl'), 'utf8')).trim().split('\n');
  const alerts = lines.map((l) => JSON.parse(l) as MarketAlert);
  expect(alerts.map((a) => a.id).sort()).toEqual(expectedAlertIds);
  for (const a of alerts) {
    expect(a.bar?.symbol ?? a.symbol).toBe(a.symbol);
    expect(a.threshold.value).toBeGreaterThanOrEqual(0);
    expect(a.message).toContain(a.symbol);
  }
  expect(summary.alerts).toMatchObject({
    total: 5,
    byKind: { 'price-move': 2, 'quiet-feed': 2, 'late-spike': 1 },
  });
  const saved = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8'));
  expect(saved.alerts.total).toBe(5);
  expect(formatSummary(summary)).toContain('5 market alerts (');
});
