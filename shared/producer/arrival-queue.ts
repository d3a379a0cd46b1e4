/**
 * A min-heap of records keyed by arrival time (ties: insertion order), so the simulator can hold a
 * delayed tick back until later ticks have overtaken it and still emit everything in arrival order.
 */
export class ArrivalQueue<T> {
  private readonly heap: { arrival: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(arrival: number, item: T): void {
    const heap = this.heap;
    heap.push({ arrival, seq: this.seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Arrival time of the next record, or Infinity when empty. */
  peekArrival(): number {
    return this.heap[0]?.arrival ?? Number.POSITIVE_INFINITY;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top?.item;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.before(l, m)) m = l;
      if (r < heap.length && this.before(r, m)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top.item;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.arrival < y.arrival || (x.arrival === y.arrival && x.seq < y.seq);
  }
}
