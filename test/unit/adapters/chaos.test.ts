import { describe, expect, it } from 'vitest';
import { FaultInjector, InjectedFault } from '../../../shared/adapters/chaos.js';

describe('fault injection (--chaos)', () => {
  it('the same seed gives the same faults', () => {
    const a = new FaultInjector(0.3, 7);
    const b = new FaultInjector(0.3, 7);
    const seq = (f: FaultInjector) => Array.from({ length: 200 }, () => f.decide());
    expect(seq(a)).toEqual(seq(b));
  });

  it('fails about P of the writes, half before and half after they take effect', () => {
    const f = new FaultInjector(0.3, 'x');
    for (let i = 0; i < 10_000; i++) f.decide();
    const total = f.injected.before + f.injected.after;
    expect(total / 10_000).toBeGreaterThan(0.27);
    expect(total / 10_000).toBeLessThan(0.33);
    expect(f.injected.before / total).toBeGreaterThan(0.45);
    expect(f.injected.before / total).toBeLessThan(0.55);
  });

  it('an "after" fault lets the write happen and still reports a failure', async () => {
    let decision: ReturnType<FaultInjector['decide']> = 'none';
    const f = new FaultInjector(1, 1);
    f.decide = () => decision;
    let writes = 0;
    decision = 'after';
    await expect(f.around('PutItem', async () => writes++)).rejects.toBeInstanceOf(InjectedFault);
    expect(writes).toBe(1);
    decision = 'before';
    await expect(f.around('PutItem', async () => writes++)).rejects.toThrow('injected fault before PutItem');
    expect(writes).toBe(1);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => new FaultInjector(1.5, 1)).toThrow(RangeError);
  });
});
