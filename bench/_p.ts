import { buildBarGrid, computeFeatures } from '../shared/domain/features/index.js';
import { simulateBars } from './data/bars.js';
const series = simulateBars({ symbols: 50, barsPerSymbol: 20000, seed: 5 });
const one = [series[0]!];
for (let r = 0; r < 2; r++) {
  let c = process.cpuUsage(); for (const b of series) computeFeatures(buildBarGrid(b, 60000)); let u = process.cpuUsage(c); console.log('50 resident', ((u.user + u.system) / 1000).toFixed(0));
  c = process.cpuUsage(); for (let i = 0; i < 50; i++) computeFeatures(buildBarGrid(one[0]!, 60000)); u = process.cpuUsage(c); console.log('same symbol 50x', ((u.user + u.system) / 1000).toFixed(0));
}
