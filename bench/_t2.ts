import { openDuckDb } from './harness/duckdb.js';
import { simulateBars } from './data/bars.js';
import { featuresSql, loadBars } from './features/features-sql.js';
import { timeOnce } from './harness/measure.js';
const db = await openDuckDb(1);
const c = db.connection;
await loadBars(c, simulateBars({ symbols: 10, barsPerSymbol: 10000, seed: 3 }));
const full = featuresSql(60000);
const filled = full.split('base AS')[0]!.replace(/,\s*$/, '') + ' SELECT * FROM filled';
for (const v of [filled, full]) { const t = await timeOnce(() => c.run(v)); console.log(t.sample); }
const r = await c.runAndReadAll("EXPLAIN " + filled.replace(/CREATE OR REPLACE TABLE \w+ AS/, ''));
console.log(String(r.getRowsJS().map(x=>x[1]).join('\n')).slice(0, 3000));
db.close();
