/**
 * The report model decides what a file holds: which symbols (paging), how many candles (budget and
 * downsampling), what the quality panel says, and it says so in notes. No browser needed.
 */

import { describe, expect, it } from 'vitest';
import { EmptyLakeError, PageOutOfRangeError } from '../../../shared/report/errors.js';
import { esc, jsonForScript, renderReportHtml } from '../../../shared/report/html.js';
import { allocate, buildReportModel, featureInterval } from '../../../shared/report/model.js';
import { pageOfSymbols } from '../../../shared/report/paging.js';
import {
  accountingLines,
  groupReasons,
  lateOverTime,
  lateTruncUnit,
  sortIntervals,
} from '../../../shared/report/quality.js';
import {
  type ReportBar,
  type ReportFeatureRow,
  type ReportInput,
  type SeriesStats,
  seriesKey,
} from '../../../shared/report/types.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 2);

function bars(n: number, stepMs = MINUTE, from = T0): ReportBar[] {
  return Array.from({ length: n }, (_, i) => ({
    t: from + i * stepMs,
    open: 100 + i,
    high: 102 + i,
    low: 99 + i,
    close: 101 + i,
    volume: 10,
    vwap: 100.5 + i,
    trades: 3,
  }));
}

function statsOf(symbol: string, interval: string, list: readonly ReportBar[]): SeriesStats {
  return {
    symbol,
    interval,
    bars: list.length,
    trades: list.reduce((n, b) => n + b.trades, 0),
    firstMs: list[0]!.t,
    lastMs: list.at(-1)!.t,
    firstOpen: list[0]!.open,
    lastClose: list.at(-1)!.close,
  };
}

function feature(t: number, rsi: number): ReportFeatureRow {
  return { t, logReturn: 0.001, volatility10: 0.01, volatility30: 0.02, volatility60: null, rsi14: rsi };
}

/** A lake of `symbols` with `n` 1m bars and n/5 5m bars each. */
function input(symbols: readonly string[], n: number, extra: Partial<ReportInput> = {}): ReportInput {
  const all = new Map<string, ReportBar[]>();
  const stats: SeriesStats[] = [];
  for (const symbol of symbols) {
    for (const [interval, list] of [
      ['1m', bars(n)],
      ['5m', bars(Math.ceil(n / 5), 5 * MINUTE)],
    ] as const) {
      all.set(seriesKey(symbol, interval), list);
      stats.push(statsOf(symbol, interval, list));
    }
  }
  return {
    source: 'lake /tmp/lake',
    stats,
    wholeLake: true,
    bars: all,
    features: new Map(),
    late: [],
    lateTotals: [],
    lateBuckets: [],
    quarantine: [],
    generatedAtMs: T0,
    ...extra,
  };
}

describe('paging', () => {
  it('charts a page of symbols in name order and refuses a page past the last', () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `S${String(119 - i).padStart(3, '0')}`);
    const page = pageOfSymbols(symbols, 3, 50);
    expect(page.symbols).toEqual(Array.from({ length: 20 }, (_, i) => `S${100 + i}`));
    expect(page.info).toEqual({ number: 3, pages: 3, perPage: 50, totalSymbols: 120 });
    expect(() => pageOfSymbols(symbols, 4, 50)).toThrow(PageOutOfRangeError);
    expect(() => pageOfSymbols(symbols, 4, 50)).toThrow('--page 4 is past the last page (3): choose 1–3');
  });
});

describe('candle budget', () => {
  it('gives small charts all their bars and shares the rest equally (water-filling)', () => {
    expect(allocate([100, 5000, 5000], 3000)).toEqual([100, 1450, 1450]);
    expect(allocate([10, 20], 1000)).toEqual([10, 20]);
    expect(allocate([50, 50, 50], 2)).toEqual([1, 1, 1]);
  });

  it('draws every bar when the lake fits, and says nothing about downsampling', () => {
    const model = buildReportModel(input(['A', 'B'], 100), { page: pageOfSymbols(['A', 'B'], 1) });
    expect(model.charts.map((c) => [c.symbol, c.interval, c.t.length, c.group])).toEqual([
      ['A', '1m', 100, 1],
      ['A', '5m', 20, 1],
      ['B', '1m', 100, 1],
      ['B', '5m', 20, 1],
    ]);
    expect(model.charts[0]!.t[0]).toBe(T0 / 1000);
    expect(model.notes.some((n) => n.startsWith('Downsampled'))).toBe(false);
  });

  it('merges bars when the budget is short, stays within it, and says so', () => {
    const model = buildReportModel(input(['A', 'B'], 1000), {
      page: pageOfSymbols(['A', 'B'], 1),
      maxCandles: 1000,
    });
    const candles = model.charts.reduce((n, c) => n + c.t.length, 0);
    expect(candles).toBeLessThanOrEqual(1000);
    const a1m = model.charts.find((c) => c.symbol === 'A' && c.interval === '1m')!;
    expect(a1m).toMatchObject({ lakeBars: 1000, group: 4 });
    // The first candle merges minutes 0–3: open of minute 0, close of minute 3, Σ volume.
    expect([a1m.o[0], a1m.h[0], a1m.l[0], a1m.c[0], a1m.v[0]]).toEqual([100, 105, 99, 104, 40]);
    expect(model.notes).toContain(
      'Downsampled to stay within 1,000 candles: 2 of 4 charts merge consecutive bars into one candle (true OHLCV of the span; each chart says how many).',
    );
  });

  it('pages 2,000 symbols and lists every one of them in the overview with its page', () => {
    const symbols = Array.from({ length: 2000 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const model = buildReportModel(input(symbols, 10), { page: pageOfSymbols(symbols, 2, 50) });
    expect(model.symbols).toEqual(symbols.slice(50, 100));
    expect(model.charts).toHaveLength(100);
    expect(model.overview).toHaveLength(2000);
    expect(model.overview[0]).toMatchObject({ symbol: 'S0000', page: 1, bars: 10 });
    expect(model.overview[1999]).toMatchObject({ symbol: 'S1999', page: 40 });
    expect(model.notes[0]).toBe(
      '2,000 symbols: this file charts 51–100 (S0050 … S0099), page 2 of 40 of 50 symbols; the overview table lists all of them. Next: --page 3.',
    );
  });
});

describe('features', () => {
  it('finds their interval from the grid step and samples them at the chart candles', () => {
    const rows = [feature(T0, 40), feature(T0 + MINUTE, 45), feature(T0 + 3 * MINUTE, 50)];
    expect(featureInterval(new Map([['A', rows]]), ['1m', '5m'])).toBe('1m');
    expect(featureInterval(new Map([['A', rows]]), ['5m'])).toBeNull();
    const model = buildReportModel(input(['A'], 10, { features: new Map([['A', rows]]) }), {
      page: pageOfSymbols(['A'], 1),
    });
    expect(model.features?.interval).toBe('1m');
    expect(model.features?.bySymbol.A?.rsi14).toEqual([40, 45, 50]);
    expect(model.defaults).toEqual({ symbol: 'A', interval: '1m' });
  });

  it('says when the lake has none, and what to run', () => {
    const model = buildReportModel(input(['A'], 10), { page: pageOfSymbols(['A'], 1) });
    expect(model.features).toBeNull();
    expect(model.notes).toContain(
      'No features of a preprocess run in the lake for these symbols: run `tickflow preprocess` to add log returns, volatility and RSI.',
    );
  });
});

describe('quality panel', () => {
  const run = {
    rows: 1012,
    valid: 1000,
    quarantined: 12,
    duplicates: 5,
    late: { '1m': 15 },
    bars: { '1m': 100 },
  };

  it('checks the accounting identity against the ticks in the lake bars', () => {
    const stats = [{ ...statsOf('A', '1m', bars(100)), trades: 980 }];
    expect(accountingLines(run, stats, true)).toEqual([
      { label: 'ticks in', text: '1,012 = 1,000 valid + 12 quarantined', holds: true },
      { label: '1m bars', text: '100 in the lake, 100 final bars in the run summary', holds: true },
      { label: '1m ticks', text: '1,000 valid = 980 in bars + 15 late + 5 duplicates', holds: true },
    ]);
    const short = accountingLines(run, [{ ...stats[0]!, trades: 970 }], true);
    expect(short[2]).toMatchObject({ holds: false });
  });

  it('does not check ticks of a sliding interval, nor anything when only some symbols were read', () => {
    const sliding = { ...run, late: {}, bars: { '5m_1m': 10 } };
    const stats = [statsOf('A', '5m_1m', bars(10))];
    expect(accountingLines(sliding, stats, true)[2]).toMatchObject({ label: '5m_1m ticks', holds: null });
    expect(accountingLines(run, [], false)[1]).toEqual({
      label: '1m',
      text: 'not checked: the report covers some symbols only',
      holds: null,
    });
  });

  it('flags lost data', () => {
    const lines = accountingLines({ ...run, discarded: { records: 2, ticks: 200 } }, [], true);
    expect(lines.at(-1)).toEqual({
      label: 'data lost',
      text: '2 records holding 200 ticks went to the on-failure destination',
      holds: false,
    });
  });

  it('buckets late ticks per interval so the chart has at most 120 buckets', () => {
    const late = Array.from({ length: 300 }, (_, i) => ({
      interval: i % 2 ? '5m' : '1m',
      t: T0 + i * MINUTE,
      ticks: 1,
    }));
    expect(lateTruncUnit(T0, T0 + 299 * MINUTE)).toBe('minute');
    const over = lateOverTime(late);
    expect(over.bucketSeconds).toBe(300);
    expect(over.series.map((s) => s.interval)).toEqual(['1m', '5m']);
    expect(over.series[0]!.n.reduce((a, b) => a + b, 0)).toBe(150);
    expect(over.series[0]!.t.length).toBeLessThanOrEqual(120);
  });

  it('has SQL truncate late ticks to the coarsest unit the buckets are made of', () => {
    expect(lateTruncUnit(T0, T0 + 100 * 3_600_000)).toBe('hour');
    expect(lateTruncUnit(T0, T0 + 365 * 86_400_000)).toBe('day');
    const daily = [0, 1, 400].map((d) => ({ interval: '1m', t: T0 + d * 86_400_000, ticks: 2 }));
    const over = lateOverTime(daily);
    expect(over.bucketSeconds).toBe(604_800);
    expect(over.series[0]!.n).toEqual([4, 2]);
  });

  it('marks the late ticks on the candles of their windows', () => {
    const late = [
      { symbol: 'A', interval: '5m', minuteMs: T0 + 7 * MINUTE, ticks: 2 },
      { symbol: 'A', interval: '5m', minuteMs: T0 + 9 * MINUTE, ticks: 1 },
    ];
    const lateTotals = [{ symbol: 'A', interval: '5m', ticks: 3 }];
    const model = buildReportModel(input(['A'], 20, { late, lateTotals }), { page: pageOfSymbols(['A'], 1) });
    expect(model.charts.find((c) => c.interval === '5m')!.late).toEqual([[(T0 + 5 * MINUTE) / 1000, 3]]);
    expect(model.quality.lateTotal).toBe(3);
  });

  it('groups quarantine reasons that differ only in a quoted number', () => {
    expect(
      groupReasons([
        {
          reason: 'ts 1795176499980000 looks like microseconds since the epoch: send milliseconds',
          field: 'ts',
          records: 2,
        },
        {
          reason: 'ts 1795176499980001 looks like microseconds since the epoch: send milliseconds',
          field: 'ts',
          records: 3,
        },
        { reason: 'payload is not JSON', field: null, records: 7 },
      ]),
    ).toEqual([
      { reason: 'payload is not JSON', field: null, records: 7 },
      { reason: 'ts N looks like microseconds since the epoch: send milliseconds', field: 'ts', records: 5 },
    ]);
  });

  it('orders intervals from the finest', () => {
    expect(sortIntervals(['1d', '5m_1m', '1h', '5m', '1m', '15m'])).toEqual([
      '1m',
      '5m',
      '5m_1m',
      '15m',
      '1h',
      '1d',
    ]);
  });
});

describe('HTML', () => {
  const assets = { chartLibrary: 'window.LightweightCharts = {};', script: '/* page */', style: 'body{}' };

  it('embeds the model so that no value can end the script element, and escapes text', () => {
    const model = buildReportModel(input(['</script><b>x'], 3), {
      page: pageOfSymbols(['</script><b>x'], 1),
    });
    const html = renderReportHtml(model, assets);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('&#60;/script&#62;&#60;b&#62;x');
    const json = html.slice(html.indexOf('application/json">') + 18, html.indexOf('</script>'));
    expect(JSON.parse(json).symbols).toEqual(['</script><b>x']);
    expect(jsonForScript({ a: '<!--' })).toBe('{"a":"\\u003c!--"}');
    expect(esc(`"'&`)).toBe('&#34;&#39;&#38;');
  });

  it('refuses an asset that would break out of its script element', () => {
    const model = buildReportModel(input(['A'], 3), { page: pageOfSymbols(['A'], 1) });
    expect(() => renderReportHtml(model, { ...assets, script: 'x = "</script>"' })).toThrow(
      'report asset script',
    );
  });

  it('shows the accounting, the quarantine and a line per symbol as plain HTML', () => {
    const model = buildReportModel(
      input(['A'], 3, {
        quarantine: [{ reason: 'price must be a finite number > 0', field: 'price', records: 4 }],
        run: { rows: 13, valid: 9, quarantined: 4, duplicates: 0, late: {}, bars: { '1m': 3, '5m': 1 } },
      }),
      { page: pageOfSymbols(['A'], 1) },
    );
    const html = renderReportHtml(model, assets);
    expect(html).toContain('<th>ticks in</th><td>13 = 9 valid + 4 quarantined</td><td class="ok">holds</td>');
    expect(html).toContain(
      '<td class="num">4</td><td>price</td><td>price must be a finite number &#62; 0</td>',
    );
    expect(html).toContain('<a href="#A">A</a>');
  });
});

it('an empty lake is an error that says what to do', () => {
  expect(new EmptyLakeError('lake /x').message).toBe(
    'lake /x has no bars: nothing to chart (run `tickflow local run` and report on its lake, or check --lake)',
  );
});
