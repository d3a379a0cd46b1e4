import type { ProducerRecord } from './types.js';

const LINGER_EXPIRED = Symbol('linger expired');

/**
 * Reads a sync or async source in slices. From a slow async source it waits for the first record
 * of a slice (when nothing is pending) and at most `lingerMs` for the rest, so a live stream is
 * published promptly instead of waiting for a full request. Both publishers (Kinesis, Kafka) read
 * through it; while they send, nothing is pulled, which is how a live feed feels backpressure.
 */
export class SourceReader {
  private readonly sync: Iterator<ProducerRecord> | undefined;
  private readonly async: AsyncIterator<ProducerRecord> | undefined;
  private pending: Promise<IteratorResult<ProducerRecord>> | undefined;
  private done = false;

  constructor(
    source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
    private readonly lingerMs: number,
  ) {
    if (Symbol.iterator in source) this.sync = source[Symbol.iterator]();
    else this.async = source[Symbol.asyncIterator]();
  }

  async read(max: number, havePending: boolean): Promise<ProducerRecord[]> {
    const out: ProducerRecord[] = [];
    if (this.done || max <= 0) return out;
    if (this.sync) {
      while (out.length < max) {
        const next = this.sync.next();
        if (next.done) {
          this.done = true;
          break;
        }
        out.push(next.value);
      }
      return out;
    }
    let timer: NodeJS.Timeout | undefined;
    let expired: Promise<typeof LINGER_EXPIRED> | undefined;
    const lingerFrom = () =>
      new Promise<typeof LINGER_EXPIRED>((resolve) => {
        timer = setTimeout(resolve, this.lingerMs, LINGER_EXPIRED);
      });
    if (havePending) expired = lingerFrom();
    try {
      while (out.length < max) {
        this.pending ??= this.async!.next();
        const next = expired ? await Promise.race([this.pending, expired]) : await this.pending;
        if (next === LINGER_EXPIRED) break;
        this.pending = undefined;
        if (next.done) {
          this.done = true;
          break;
        }
        out.push(next.value);
        expired ??= lingerFrom();
      }
    } finally {
      clearTimeout(timer);
    }
    return out;
  }
}
