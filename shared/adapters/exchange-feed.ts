import WebSocket from 'ws';
import { METRIC_SERVICES, METRICS_NAMESPACE_ROOT, PRODUCER_METRICS, VENUE_DIMENSION } from '../metrics.js';
import { type TradeGap, TradeIdTracker, tradeRecord } from '../producer/exchange/trade-ids.js';
import type { Venue } from '../producer/exchange/types.js';
import type { ProducerRecord } from '../producer/types.js';

export interface ExchangeFeedOptions {
  readonly venue: Venue;
  /** Symbols as the user wrote them; each is checked with the venue's rules before connecting. */
  readonly symbols: readonly string[];
  /** @default the venue's production endpoint */
  readonly url?: string;
  /**
   * Records read but not yet taken by the publisher. At this many the socket is paused (TCP then
   * pushes back on the venue), and resumed at half: memory stays bounded when the stream is slower
   * than the feed. A venue that drops a slow client shows up as a reconnect and a reported gap.
   * @default 10,000
   */
  readonly maxBufferedRecords?: number;
  /** Full-jitter exponential backoff between connection attempts. @default { baseMs: 500, maxMs: 30,000 } */
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  /** After this long without a frame the client sends a WebSocket ping. @default 15,000 */
  readonly pingAfterMs?: number;
  /** After this long without any frame (trade, heartbeat, ping or pong) the connection is dropped and remade. @default 45,000 */
  readonly staleAfterMs?: number;
  /** The venue must confirm the subscription within this time, or the connection is remade. @default 10,000 */
  readonly subscribeTimeoutMs?: number;
  /** One JSON line per event (reconnects, gaps as EMF documents, malformed frames). @default stderr */
  readonly log?: (line: string) => void;
  readonly random?: () => number;
}

/** Counts of one feed run. */
export interface FeedStats {
  trades: number;
  /** Trades at or below their symbol's newest id (reconnect overlaps), forwarded for the pipeline to drop. */
  repeats: number;
  gaps: number;
  missingTrades: number;
  malformedFrames: number;
  connections: number;
  reconnects: number;
  /** Times the socket was paused because the publisher fell behind. */
  pauses: number;
  /** Most records held at once. */
  maxBuffered: number;
}

/** The venue refused the subscription (an unknown symbol, a bad request): reconnecting cannot help. */
export class SubscriptionRefusedError extends Error {
  constructor(
    readonly venue: string,
    readonly symbols: readonly string[],
    readonly reason: string,
  ) {
    super(`${venue} refused the subscription to ${symbols.join(', ')}: ${reason}`);
    this.name = 'SubscriptionRefusedError';
  }
}

const WAKE = Symbol('wake');

/**
 * A venue's public trade stream as producer records: connects, subscribes, maps each trade to a tick
 * (shared/producer/exchange), keeps the connection alive (answers the venue's pings, pings a quiet
 * connection, drops a silent one), reconnects with full-jitter exponential backoff and subscribes
 * again, reports gaps in trade ids (a log line that is also an EMF metric), and pauses the socket
 * while the publisher is behind. {@link stop} (wired to SIGINT/SIGTERM by the CLI) closes the
 * connection; the records already read are still handed out, then the iteration ends.
 *
 * @example
 * const feed = new ExchangeFeed({ venue: VENUES.binance, symbols: ['btcusdt'] });
 * await publisher.publish(feed.records());
 */
export class ExchangeFeed {
  readonly stats: FeedStats = {
    trades: 0,
    repeats: 0,
    gaps: 0,
    missingTrades: 0,
    malformedFrames: 0,
    connections: 0,
    reconnects: 0,
    pauses: 0,
    maxBuffered: 0,
  };
  readonly venueSymbols: readonly string[];
  private readonly tracker = new TradeIdTracker();
  private readonly buffer: ProducerRecord[] = [];
  private head = 0;
  private socket: WebSocket | undefined;
  private paused = false;
  private stopped = false;
  /** Stopped and the last connection closed: nothing more can arrive. */
  private finished = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private cancelBackoff: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ExchangeFeedOptions) {
    if (options.symbols.length === 0) throw new RangeError('ExchangeFeed needs at least one symbol');
    this.venueSymbols = [...new Set(options.symbols.map((s) => options.venue.venueSymbol(s)))];
  }

  /** The feed's records in arrival order; connects on the first pull. Throws a refused subscription. */
  async *records(): AsyncGenerator<ProducerRecord> {
    this.running ??= this.run();
    for (;;) {
      if (this.head < this.buffer.length) {
        const record = this.buffer[this.head]!;
        this.buffer[this.head++] = undefined as unknown as ProducerRecord;
        this.afterTake();
        yield record;
        continue;
      }
      if (this.finished) break;
      await new Promise<typeof WAKE>((resolve) => {
        this.wake = () => resolve(WAKE);
      });
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Stops reading: closes the connection (frames that arrive while it closes are kept); what was
   * read is still handed out, then the iteration ends. Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.socket?.close(1000, 'client shutting down');
    this.cancelBackoff?.();
    this.wake?.();
  }

  private get buffered(): number {
    return this.buffer.length - this.head;
  }

  private get maxBuffered(): number {
    return this.options.maxBufferedRecords ?? 10_000;
  }

  private push(record: ProducerRecord): void {
    this.buffer.push(record);
    this.stats.maxBuffered = Math.max(this.stats.maxBuffered, this.buffered);
    if (!this.paused && this.buffered >= this.maxBuffered && this.socket) {
      this.paused = true;
      this.stats.pauses++;
      this.socket.pause();
    }
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private afterTake(): void {
    if (this.head > 4_096 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    if (this.paused && this.buffered <= this.maxBuffered / 2) {
      this.paused = false;
      this.socket?.resume();
    }
  }

  /** Connects until stopped or refused; backs off between attempts. */
  private async run(): Promise<void> {
    const { baseMs, maxMs } = this.options.reconnect ?? { baseMs: 500, maxMs: 30_000 };
    let attempt = 0;
    while (!this.stopped) {
      const subscribed = await this.session();
      if (this.stopped) break;
      attempt = subscribed ? 0 : attempt + 1;
      const delay = (this.options.random ?? Math.random)() * Math.min(maxMs, baseMs * 2 ** attempt);
      this.stats.reconnects++;
      this.metric('reconnecting', PRODUCER_METRICS.feedReconnects, 1, 'INFO', { delayMs: Math.round(delay) });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.cancelBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.cancelBackoff = undefined;
    }
    this.finished = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** One connection, from open to close; resolves whether the venue confirmed the subscription. */
  private session(): Promise<boolean> {
    const { venue } = this.options;
    const pingAfterMs = this.options.pingAfterMs ?? 15_000;
    const staleAfterMs = this.options.staleAfterMs ?? 45_000;
    return new Promise<boolean>((resolve) => {
      const socket = new WebSocket(this.options.url ?? venue.defaultUrl, { handshakeTimeout: 10_000 });
      this.socket = socket;
      this.paused = false;
      let subscribed = false;
      let lastFrameAt = performance.now();
      const alive = () => {
        lastFrameAt = performance.now();
      };
      const subscribeTimer = setTimeout(() => {
        this.logLine('WARN', 'no subscription confirmation; reconnecting');
        socket.terminate();
      }, this.options.subscribeTimeoutMs ?? 10_000);
      const liveness = setInterval(
        () => {
          if (this.paused) return alive(); // a paused socket reads nothing by design
          const quiet = performance.now() - lastFrameAt;
          if (quiet >= staleAfterMs) {
            this.logLine('WARN', `no frame for ${Math.round(quiet)} ms; reconnecting`);
            socket.terminate();
          } else if (quiet >= pingAfterMs && socket.readyState === WebSocket.OPEN) {
            socket.ping();
          }
        },
        Math.max(50, Math.min(pingAfterMs, staleAfterMs) / 3),
      );
      socket.on('open', () => {
        this.stats.connections++;
        alive();
        for (const frame of venue.subscribeFrames(this.venueSymbols)) socket.send(frame);
      });
      socket.on('ping', alive);
      socket.on('pong', alive);
      socket.on('message', (data, isBinary) => {
        alive();
        if (isBinary) {
          this.malformed('a binary frame');
          return;
        }
        const event = venue.parse(String(data));
        switch (event.kind) {
          case 'trade':
            this.trade(event.trade.symbol, event.trade.tradeId);
            this.push(tradeRecord(venue.name, event.trade));
            return;
          case 'subscribed':
            subscribed = true;
            clearTimeout(subscribeTimer);
            this.logLine('INFO', `subscribed to ${this.venueSymbols.join(', ')}`);
            return;
          case 'refused':
            this.failure = new SubscriptionRefusedError(venue.name, this.venueSymbols, event.reason);
            this.logLine('ERROR', this.failure.message);
            this.stop();
            return;
          case 'heartbeat': {
            const gap = this.tracker.heartbeat(event.symbol, event.lastTradeId);
            if (gap) this.gap(gap);
            return;
          }
          case 'malformed':
            this.malformed(event.reason);
            return;
          case 'ignored':
            return;
        }
      });
      socket.on('error', (err) => this.logLine('WARN', `connection error: ${err.message}`));
      socket.on('close', (code, reason) => {
        clearTimeout(subscribeTimer);
        clearInterval(liveness);
        if (this.socket === socket) this.socket = undefined;
        if (!this.stopped) this.logLine('WARN', `connection closed (${code} ${String(reason)})`);
        resolve(subscribed);
      });
    });
  }

  private trade(symbol: string, tradeId: number): void {
    this.stats.trades++;
    const verdict = this.tracker.observe(symbol, tradeId);
    if (verdict.kind === 'repeat') this.stats.repeats++;
    else if (verdict.kind === 'gap') this.gap(verdict.gap);
  }

  private gap(gap: TradeGap): void {
    this.stats.gaps++;
    this.stats.missingTrades += gap.missing;
    this.metric(
      `trade ids ${gap.fromId}–${gap.toId} of ${gap.symbol} never arrived`,
      PRODUCER_METRICS.feedMissingTrades,
      gap.missing,
      'WARN',
      { symbol: gap.symbol, fromId: gap.fromId, toId: gap.toId, [PRODUCER_METRICS.feedGaps]: 1 },
      [PRODUCER_METRICS.feedGaps],
    );
  }

  private malformed(reason: string): void {
    this.stats.malformedFrames++;
    this.metric(`frame skipped: ${reason}`, PRODUCER_METRICS.feedMalformedFrames, 1, 'WARN');
  }

  /** A log line that is also an EMF document, so CloudWatch Logs turns it into the metric. */
  private metric(
    message: string,
    name: string,
    value: number,
    level: string,
    fields: Record<string, unknown> = {},
    alsoNames: readonly string[] = [],
  ): void {
    this.write({
      level,
      message,
      venue: this.options.venue.name,
      ...fields,
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            // A producer belongs to no environment (it may feed several): the root namespace.
            Namespace: METRICS_NAMESPACE_ROOT,
            Dimensions: [['service', VENUE_DIMENSION]],
            Metrics: [name, ...alsoNames].map((Name) => ({ Name, Unit: 'Count' })),
          },
        ],
      },
      service: METRIC_SERVICES.producer,
      [VENUE_DIMENSION]: this.options.venue.name,
      [name]: value,
    });
  }

  private logLine(level: string, message: string): void {
    this.write({ level, message, venue: this.options.venue.name });
  }

  private write(line: Record<string, unknown>): void {
    (this.options.log ?? ((l) => process.stderr.write(l)))(`${JSON.stringify(line)}\n`);
  }
}
