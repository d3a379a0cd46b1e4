import type { MarketSeriesSource, MaterializableOutputs } from '../../pipeline/ports.js';
import { barFromItem } from './output-store.js';

/** The market watch's reads over the outputs table: a symbol's bar and late partitions of one date. */
export function outputsSeriesSource(
  outputs: Pick<MaterializableOutputs, 'readPartition'>,
): MarketSeriesSource {
  return {
    async closedBars(symbol, interval, date) {
      return (await outputs.readPartition({ kind: 'bar', interval, symbol, date })).map(barFromItem);
    },
    async lateWatermarks(symbol, interval, date) {
      const items = await outputs.readPartition({ kind: 'late', interval, symbol, date });
      return items.map((item) => Number(item.watermark));
    },
  };
}
