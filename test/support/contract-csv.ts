/**
 * Generates a replay CSV that exercises every clause of the stream contract (docs/stream-contract.md):
 * out-of-order arrival, ticks beyond the allowed lateness, producer-retry duplicates (inside and
 * outside the dedup horizon), equal timestamps, zero sizes, ISO and epoch timestamps, invalid rows,
 * symbols with `/` and `:`, and a UTC midnight inside the data. Deterministic for a seed.
 */

export interface ContractRow {
  /** Position in the file (0-based data row). */
  readonly seq: number;
  /** The fields as written; null when the row was written with a wrong column count. */
  readonly fields: readonly [ts: string, symbol: string, price: string, size: string, id: string] | null;
  /** The exact line written. */
  readonly line: string;
}

export interface ContractCsv {
  readonly text: string;
  readonly rows: readonly ContractRow[];
}

const SYMBOLS = ['BTC-USDT', 'EUR/USD', 'XAU:USD', 'AAPL'];
const MIDNIGHT = Date.UTC(2024, 2, 15); // 2024-03-15T00:00:00Z

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A CSV of about `n` rows spanning ~3 hours around a UTC midnight. */
export function contractCsv(n = 4000, seed = 7): ContractCsv {
  const r = rng(seed);
  const lines: string[] = [];
  const rows: ContractRow[] = [];
  const push = (fields: ContractRow['fields'], rawLine?: string) => {
    const line = rawLine ?? fields!.map(csvField).join(',');
    rows.push({ seq: rows.length, fields, line });
    lines.push(line);
  };
  const start = MIDNIGHT - 90 * 60_000;
  const span = 3 * 3_600_000;
  const prices = new Map(SYMBOLS.map((s, i) => [s, [65000, 1.0875, 2150.5, 172.3][i]!]));
  const recent: { symbol: string; ts: number; price: number; size: string; id: string }[] = [];
  let clock = start;
  for (let i = 0; i < n; i++) {
    clock += Math.floor((span / n) * r() * 2);
    const symbol = SYMBOLS[Math.floor(r() * SYMBOLS.length)]!;
    const p = prices.get(symbol)! * Math.exp((r() - 0.5) * 0.002);
    prices.set(symbol, p);
    const roll = r();
    let ts = clock;
    if (roll < 0.1)
      ts = clock - Math.floor(r() * 120_000); // out of order within the lateness
    else if (roll < 0.13)
      ts = clock - 11 * 60_000 - Math.floor(r() * 3_600_000); // beyond the lateness
    else if (roll < 0.16 && recent.length > 0) ts = recent[recent.length - 1]!.ts; // equal timestamps
    const price = String(Number(p.toPrecision(8)));
    const size = r() < 0.05 ? '0' : String(Number((r() * 3).toFixed(4)));
    const id = r() < 0.1 ? '' : `${symbol.slice(0, 3)}-${i}`;
    const tsText = r() < 0.3 ? new Date(ts).toISOString() : String(ts);
    push([tsText, symbol, price, size, id]);
    recent.push({ symbol, ts, price: Number(price), size, id });
    if (recent.length > 50) recent.shift();

    const extra = r();
    if (extra < 0.03) {
      // A producer retry: the same trade again, shortly after.
      const prev = recent[Math.floor(r() * recent.length)]!;
      if (prev.id) push([String(prev.ts), prev.symbol, String(prev.price), prev.size, prev.id]);
    } else if (extra < 0.045) {
      push(invalidRow(r, clock));
    } else if (extra < 0.05) {
      push(null, `${clock},${symbol},1.5`); // wrong column count
    }
  }
  return { text: `ts,symbol,price,size,id\n${lines.join('\n')}\n`, rows };
}

function invalidRow(r: () => number, ts: number): NonNullable<ContractRow['fields']> {
  const kinds: NonNullable<ContractRow['fields']>[] = [
    [String(ts), 'BTC-USDT', '-5', '1', ''],
    [String(ts), 'BTC-USDT', 'abc', '1', ''],
    [String(ts), 'EUR/USD', '1.1', '-0.5', ''],
    [String(ts), 'BAD SYMBOL', '1.1', '1', ''],
    [String(ts), '', '1.1', '1', ''],
    ['not-a-time', 'AAPL', '170', '1', ''],
    [String(ts), 'A'.repeat(33), '1', '1', ''],
  ];
  return kinds[Math.floor(r() * kinds.length)]!;
}
