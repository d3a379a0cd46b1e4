/**
 * `tickflow report --athena` reads a deployed lake through the same Athena query engine as
 * `tickflow query --athena`. No Athena runs here (nor LocalStack, which needs Docker), so the API is
 * the replayed fake of the query tests: it checks every SQL text sent (each names its symbols, as the
 * injected symbol partition requires) and answers with rows as Athena prints them.
 */

import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../shared/adapters/query/athena-query.js';
import { loadReport } from '../../../shared/report/load.js';
import {
  barsSql,
  featuresSql,
  lateBucketsSql,
  lateRangeSql,
  lateSql,
  lateTotalsSql,
  statsSql,
} from '../../../shared/report/queries.js';
import { ReplayAthena } from '../../support/query/athena-replay.js';
import { REPORT_EXCHANGE, REPORT_SYMBOLS as SYMBOLS } from '../../support/report/athena-report-exchange.js';

describe('the report on Athena (against a replayed fake of the Athena API)', () => {
  it('names its symbols in every query of bars, features and late ticks', () => {
    const late = [
      lateSql(SYMBOLS),
      lateTotalsSql(SYMBOLS),
      lateRangeSql(SYMBOLS),
      lateBucketsSql('hour', SYMBOLS),
    ];
    for (const sql of [statsSql(SYMBOLS), barsSql(SYMBOLS), featuresSql(SYMBOLS), ...late]) {
      expect(sql).toContain("WHERE symbol IN ('EUR/USD')");
    }
  });

  it('builds the model from Athena rows: candles, late markers, quarantine, no features', async () => {
    const fake = new ReplayAthena(REPORT_EXCHANGE);
    const engine = new AthenaQueryEngine({ client: fake, sleep: async () => {} });
    const model = await loadReport(engine, {
      source: 'Athena workgroup tickflow',
      symbols: SYMBOLS,
      nowMs: 0,
    });
    expect(fake.finished).toBe(true);
    const chart = model.charts[0]!;
    expect(chart).toMatchObject({
      symbol: 'EUR/USD',
      interval: '1m',
      t: [Date.UTC(2024, 0, 2, 9) / 1000, Date.UTC(2024, 0, 2, 9, 1) / 1000],
      o: [1.1, 1.101],
      c: [1.101, 1.103],
      w: [1.1005, null],
      late: [[Date.UTC(2024, 0, 2, 9, 1) / 1000, 3]],
    });
    expect(model.quality.lateTotal).toBe(3);
    expect(model.quality.lateOverTime.series).toEqual([
      { interval: '1m', t: [Date.UTC(2024, 0, 2, 9, 1) / 1000], n: [3] },
    ]);
    expect(model.features).toBeNull();
    expect(model.quality.quarantine.groups).toEqual([
      { reason: 'price must be a finite number > 0', field: 'price', records: 2 },
    ]);
    expect(model.quality.accounting).toBeNull();
    expect(model.source).toBe('Athena workgroup tickflow');
  });
});
