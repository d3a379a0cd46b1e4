import { lakeBars, lakeLate, lateKey } from '../../test/support/lake-read.js';
import type { ReferenceResult } from '../../test/support/reference.js';
import { closeEnough } from '../harness/bar-agreement.js';

/** How a lake compares with the independent reference; `differences` is empty when they agree. */
export interface LakeAgreement {
  readonly bars: number;
  readonly late: number;
  readonly differences: readonly string[];
}

const MAX_LISTED = 5;

/**
 * The lake's bars and late ticks against the reference: the same bar identities, OHLC and counts
 * exactly, volume and vwap to 1e-9 relative (sums added in another order), the same late ticks.
 */
export async function compareLake(lakeDir: string, reference: ReferenceResult): Promise<LakeAgreement> {
  const differences: string[] = [];
  const note = (d: string) => {
    if (differences.length < MAX_LISTED) differences.push(d);
  };
  const ours = await lakeBars(lakeDir);
  const key = (b: { symbol: string; interval: string; window_start: number }) =>
    `${b.symbol}|${b.interval}|${b.window_start}`;
  const expected = new Map(reference.bars.map((b) => [key(b), b]));
  if (ours.length !== reference.bars.length) note(`${ours.length} bars, reference ${reference.bars.length}`);
  for (const bar of ours) {
    const e = expected.get(key(bar));
    if (!e) {
      note(`bar ${key(bar)} is not in the reference`);
      continue;
    }
    for (const f of ['window_end', 'open', 'high', 'low', 'close', 'trade_count'] as const) {
      if (bar[f] !== e[f]) note(`${key(bar)} ${f}: ${bar[f]} vs ${e[f]}`);
    }
    for (const f of ['volume', 'vwap'] as const) {
      if (!closeEnough(bar[f], e[f])) note(`${key(bar)} ${f}: ${bar[f]} vs ${e[f]}`);
    }
  }
  const late = await lakeLate(lakeDir);
  const expectedLate = reference.late.map(lateKey).sort();
  if (late.join('\n') !== expectedLate.join('\n'))
    note(`${late.length} late ticks, reference ${expectedLate.length}`);
  return { bars: ours.length, late: late.length, differences };
}
