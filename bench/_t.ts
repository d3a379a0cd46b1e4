import { openDuckDb } from './harness/duckdb.js';
import { simulateBars } from './data/bars.js';
import { featuresSql, loadBars } from './features/features-sql.js';
import { timeOnce } from './harness/measure.js';
const db = await openDuckDb(1);
const c = db.connection;
const s = simulateBars({ symbols: 10, barsPerSymbol: 10000, seed: 3 });
await loadBars(c, s);
const full = featuresSql(60000);
const cut = (name: string) => full.replace(/SELECT symbol, window_start, filled, open[\s\S]*$/, '') ;
const q: Record<string,string> = {
  full,
  //grid: full.split('joined AS')[0]!.replace(/,\s*$/, '') + ' SELECT * FROM grid',
  filled: full.split('base AS')[0]!.replace(/,\s*$/, '') + ' SELECT * FROM filled',
  base: full.split('rolled AS')[0]!.replace(/,\s*$/, '') + ' SELECT * FROM base',
  vol: `CREATE OR REPLACE TABLE x AS SELECT stddev_samp(close) OVER (PARTITION BY symbol ORDER BY window_start ROWS 9 PRECEDING) FROM bars`,
  lag: `CREATE OR REPLACE TABLE x AS SELECT lag(close) OVER (PARTITION BY symbol ORDER BY window_start) FROM bars`,
};
void cut;
for (const [k, v] of Object.entries(q)) { await c.run(v.replace('sql_features', 'x')); const t = await timeOnce(() => c.run(v)); console.log(k, t.sample); }
db.close();
