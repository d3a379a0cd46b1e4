import cassandra from 'cassandra-driver';
import type { Bar } from '../../domain/types.js';
import { chunk, finalParams, formingParams, groupByPartition, rowToBar, type StoredBar } from './bar-rows.js';
import { buildClientOptions } from './client-options.js';
import { BARS_TABLE, DEFAULT_KEYSPACE, type Retention, type ServingStoreConfig, ttlFor } from './config.js';
import { DAY_MS, dayStart, utcDay } from './day.js';
import { InvalidBarQueryError, InvalidServingConfigError, ServingTlsError, tlsFailureOf } from './errors.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, withBackoff } from './retry.js';
import { createBarsTableCql, KEYSPACE_NAME } from './schema.js';
import { selectDayCql, upsertFinalCql, upsertFormingCql } from './statements.js';

/** Keyspaces' limit on statements per batch; Cassandra has none, we keep to it everywhere. */
export const MAX_BATCH_STATEMENTS = 30;
/** How far back a read walks day partitions when no `from` is given. */
export const DEFAULT_LOOKBACK_DAYS = 366;
const FORMING_CONCURRENCY = 8;

export interface BarQuery {
  readonly symbol: string;
  readonly interval: string;
  /** At most this many bars (1–100,000). */
  readonly limit: number;
  /** Inclusive lower bound on window_start, epoch ms. */
  readonly from?: number;
  /** Exclusive upper bound on window_start, epoch ms; default now. */
  readonly to?: number;
  /** Only bars whose window has closed. */
  readonly finalOnly?: boolean;
  /** Day partitions to walk back when `from` is absent (default 366). */
  readonly lookbackDays?: number;
}

export interface UpsertResult {
  /** Rows written (final rows, and forming rows whose condition held). */
  readonly written: number;
  /** Forming bars not written because the stored bar is already final. */
  readonly skippedFinal: number;
  /** Statements per unlogged batch sent, in order (each ≤ 30, each within one partition). */
  readonly batchSizes: readonly number[];
}

export interface ServingStoreOptions {
  readonly backoff?: BackoffPolicy;
  /** Clock for `updated_at` (tests). */
  readonly now?: () => number;
}

/**
 * The serving store of bars (docs/stream-contract.md#serving-store): forming and final OHLCV bars per (symbol, interval, UTC day),
 * newest first, in a local Cassandra or Amazon Keyspaces. Create one per process and reuse it
 * (`sharedServingStore`): the driver keeps a connection pool and the prepared statements.
 *
 * @example
 * const store = await ServingStore.connect({ kind: 'local', contactPoints: ['127.0.0.1:9042'] });
 * await store.ensureSchema();
 * await store.upsertBars(closedBars, true);
 * const latest = await store.readBars({ symbol: 'BTCUSDT', interval: '1m', limit: 10 });
 */
export class ServingStore {
  private readonly keyspace: string;
  private readonly retention: Retention | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;

  private constructor(
    private readonly client: cassandra.Client,
    private readonly config: ServingStoreConfig,
    opts: ServingStoreOptions,
  ) {
    this.keyspace = config.keyspace ?? DEFAULT_KEYSPACE;
    this.retention = config.retention;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? Date.now;
  }

  /** Builds the driver client for `config` and connects it (fails fast when no host answers). */
  static async connect(config: ServingStoreConfig, opts: ServingStoreOptions = {}): Promise<ServingStore> {
    const keyspace = config.keyspace ?? DEFAULT_KEYSPACE;
    if (!KEYSPACE_NAME.test(keyspace)) {
      throw new InvalidServingConfigError(
        'keyspace',
        `"${keyspace}" is not a CQL identifier (letters, digits, _)`,
      );
    }
    const options = buildClientOptions(config);
    const client = new cassandra.Client(options);
    try {
      await client.connect();
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      const tls = tlsFailureOf(err);
      if (tls && options.sslOptions)
        throw new ServingTlsError(
          `${options.sslOptions.host}:${options.protocolOptions?.port}`,
          tls.code,
          tls.error,
        );
      throw err;
    }
    return new ServingStore(client, config, opts);
  }

  /**
   * Creates the keyspace and the bars table when missing. For the local Cassandra only: in AWS the
   * CDK construct creates them (Keyspaces DDL is asynchronous and needs IAM rights writers lack).
   */
  async ensureSchema(): Promise<void> {
    if (this.config.kind !== 'local') {
      throw new InvalidServingConfigError(
        'kind',
        'ensureSchema() is for the local Cassandra; deploy the CDK stack',
      );
    }
    await this.client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await this.client.execute(createBarsTableCql(this.keyspace, BARS_TABLE));
  }

  /**
   * Idempotent upsert of bars keyed by (symbol, interval, window_start). Final bars (`isFinal`) go in
   * unlogged batches of ≤ 30 rows of one partition; forming bars are conditional updates that never
   * replace a final bar. Each row expires after its interval's retention TTL.
   */
  async upsertBars(bars: readonly Bar[], isFinal: boolean): Promise<UpsertResult> {
    const now = this.now();
    return isFinal ? this.upsertFinal(bars, now) : this.upsertForming(bars, now);
  }

  private async upsertFinal(bars: readonly Bar[], now: number): Promise<UpsertResult> {
    const query = upsertFinalCql(this.keyspace, BARS_TABLE);
    const batches = groupByPartition(bars).flatMap((partition) => chunk(partition, MAX_BATCH_STATEMENTS));
    await Promise.all(
      batches.map((batch) =>
        withBackoff(
          () =>
            this.client.batch(
              batch.map((bar) => ({
                query,
                params: finalParams(bar, ttlFor(bar.interval, this.retention), now),
              })),
              { prepare: true, logged: false, isIdempotent: true },
            ),
          this.backoff,
        ),
      ),
    );
    return { written: bars.length, skippedFinal: 0, batchSizes: batches.map((b) => b.length) };
  }

  private async upsertForming(bars: readonly Bar[], now: number): Promise<UpsertResult> {
    const query = upsertFormingCql(this.keyspace, BARS_TABLE);
    let written = 0;
    for (const group of chunk(bars, FORMING_CONCURRENCY)) {
      const applied = await Promise.all(
        group.map(async (bar) => {
          const params = formingParams(bar, ttlFor(bar.interval, this.retention), now);
          const rs = await withBackoff(
            () => this.client.execute(query, params, { prepare: true, isIdempotent: true }),
            this.backoff,
          );
          return rs.wasApplied();
        }),
      );
      written += applied.filter(Boolean).length;
    }
    return { written, skippedFinal: bars.length - written, batchSizes: [] };
  }

  /**
   * The newest bars of a symbol and interval, newest first: walks the UTC-day partitions backward from
   * `to` (default now) and stops at `limit` bars, at `from`, or after `lookbackDays` days.
   */
  async readBars(q: BarQuery): Promise<StoredBar[]> {
    validateQuery(q);
    const to = q.to ?? this.now() + 1;
    const oldestDay =
      q.from !== undefined
        ? dayStart(q.from)
        : dayStart(to - 1) - ((q.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) - 1) * DAY_MS;
    const from = q.from ?? oldestDay;
    const query = selectDayCql(this.keyspace, BARS_TABLE);
    const out: StoredBar[] = [];
    for (let day = dayStart(to - 1); day >= oldestDay && out.length < q.limit; day -= DAY_MS) {
      const params = [
        q.symbol,
        q.interval,
        utcDay(day),
        new Date(Math.max(from, day)),
        new Date(Math.min(to, day + DAY_MS)),
      ];
      let pageState: string | undefined;
      do {
        const wanted = q.limit - out.length;
        const rs = await this.client.execute(query, params, {
          prepare: true,
          fetchSize: q.finalOnly ? Math.max(wanted, 100) : wanted,
          pageState,
        });
        for (const row of rs.rows) {
          const bar = rowToBar(row, q.symbol, q.interval);
          if ((!q.finalOnly || bar.isFinal) && out.length < q.limit) out.push(bar);
        }
        pageState = rs.pageState ?? undefined;
      } while (pageState && out.length < q.limit);
    }
    return out;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.client.shutdown();
  }
}

function validateQuery(q: BarQuery): void {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 100_000) {
    throw new InvalidBarQueryError('limit', `expected an integer in 1..100000, got ${q.limit}`);
  }
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) {
    throw new InvalidBarQueryError('from', `from (${q.from}) must be before to (${q.to})`);
  }
  if (q.lookbackDays !== undefined && (!Number.isInteger(q.lookbackDays) || q.lookbackDays < 1)) {
    throw new InvalidBarQueryError('lookbackDays', `expected a positive integer, got ${q.lookbackDays}`);
  }
}

const shared = new Map<string, Promise<ServingStore>>();

/**
 * One store per config for the life of the process (a Lambda container keeps it across invocations).
 * A failed connect is forgotten so the next call tries again.
 */
export function sharedServingStore(config: ServingStoreConfig): Promise<ServingStore> {
  const key = JSON.stringify(config);
  let store = shared.get(key);
  if (!store) {
    store = ServingStore.connect(config);
    store.catch(() => shared.delete(key));
    shared.set(key, store);
  }
  return store;
}
