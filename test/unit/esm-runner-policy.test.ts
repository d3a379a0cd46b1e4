/**
 * The pure parts of the local event source mapping, against Lambda's documented rules:
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html ("Splitting batches
 * doesn't consume the retry quota") and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html.
 */

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpretBatchResponse } from '../../local/esm/batch-response.js';
import {
  countFittingPayload,
  type DeliverableRecord,
  MAX_INVOKE_PAYLOAD_BYTES,
} from '../../local/esm/events.js';
import { laneOf } from '../../local/esm/lane.js';
import { InvalidEventSourceMappingError, resolveOptions } from '../../local/esm/options.js';
import { decideAfterInvoke, expiredAtHead, replan, resplitPlan } from '../../local/esm/retry-policy.js';
import { backoffMs } from '../../local/esm/shard-consumer.js';
import { createRandom } from '../../shared/random.js';

function record(sequenceNumber: string, payloadBytes = 300): DeliverableRecord {
  return {
    event: { kinesis: { sequenceNumber } } as DeliverableRecord['event'],
    payloadBytes,
    arrivalMs: 0,
    readAt: 0,
    deliveries: 0,
  };
}

const batch = ['101', '102', '103', '104'].map((s) => record(s));

describe('decideAfterInvoke', () => {
  const noBisect = { bisectBatchOnFunctionError: false, maximumRetryAttempts: -1 };

  it('checkpoints the whole batch on success', () => {
    expect(decideAfterInvoke({ size: 8, retries: 3 }, { kind: 'success' }, noBisect)).toEqual({
      checkpoint: 8,
      discard: 0,
      next: [],
      bisected: false,
    });
  });

  it('retries the same batch on error, counting one retry', () => {
    expect(decideAfterInvoke({ size: 8, retries: 0 }, { kind: 'error' }, noBisect).next).toEqual([
      { size: 8, retries: 1 },
    ]);
  });

  it('bisects without using retry quota', () => {
    const policy = { bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 };
    expect(decideAfterInvoke({ size: 7, retries: 0 }, { kind: 'error' }, policy)).toEqual({
      checkpoint: 0,
      discard: 0,
      next: [
        { size: 4, retries: 0 },
        { size: 3, retries: 0 },
      ],
      bisected: true,
    });
  });

  it('discards a batch of one once its retries are exhausted', () => {
    const policy = { bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 };
    expect(decideAfterInvoke({ size: 1, retries: 1 }, { kind: 'error' }, policy).next).toEqual([
      { size: 1, retries: 2 },
    ]);
    expect(decideAfterInvoke({ size: 1, retries: 2 }, { kind: 'error' }, policy)).toMatchObject({
      discard: 1,
      next: [],
    });
  });

  it('on a partial failure checkpoints before the lowest failure and retries the rest as one batch', () => {
    expect(
      decideAfterInvoke({ size: 10, retries: 0 }, { kind: 'partial', firstFailedIndex: 4 }, noBisect),
    ).toEqual({
      checkpoint: 4,
      discard: 0,
      next: [{ size: 6, retries: 1 }],
      bisected: false,
    });
  });

  it('never loses or duplicates records: checkpoint + discard + planned = batch size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        fc.integer({ min: -1, max: 5 }),
        fc.oneof(fc.constant(-2), fc.constant(-1), fc.nat()),
        (size, retries, bisect, max, failed) => {
          const outcome =
            failed === -2
              ? ({ kind: 'success' } as const)
              : failed === -1
                ? ({ kind: 'error' } as const)
                : ({ kind: 'partial', firstFailedIndex: failed % size } as const);
          const d = decideAfterInvoke({ size, retries }, outcome, {
            bisectBatchOnFunctionError: bisect,
            maximumRetryAttempts: max,
          });
          const planned = d.next.reduce((n, b) => n + b.size, 0);
          expect(d.checkpoint + d.discard + planned).toBe(size);
          for (const b of d.next) expect(b.size).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('the plan after an invocation (both runners)', () => {
  const policy = { bisectBatchOnFunctionError: true, maximumRetryAttempts: 3 };
  it('a bisected head goes first, then the rest of the plan', () => {
    const planned = { size: 10, retries: 1 };
    const decision = decideAfterInvoke(planned, { kind: 'error' }, policy);
    expect(replan([planned, { size: 4, retries: 0 }], planned, 10, decision)).toEqual([
      { size: 5, retries: 1 },
      { size: 5, retries: 1 },
      { size: 4, retries: 0 },
    ]);
  });

  it('a planned batch cut short by the payload limit keeps its remainder planned, with its retries', () => {
    const planned = { size: 10, retries: 2 };
    const decision = decideAfterInvoke({ size: 6, retries: 2 }, { kind: 'success' }, policy);
    expect(replan([planned], planned, 6, decision)).toEqual([{ size: 4, retries: 2 }]);
  });

  it('records older than the maximum age are counted from the head only; -1 expires nothing', () => {
    expect(expiredAtHead([1_000, 2_000, 9_000, 1_000], 5, 10_000)).toBe(2);
    expect(expiredAtHead([1_000], -1, 1e12)).toBe(0);
  });

  it('a chaos re-split draws a size from 1 to min(batch size, records left), carrying the most retries', () => {
    const plan = [
      { size: 3, retries: 1 },
      { size: 3, retries: 2 },
    ];
    expect(resplitPlan(plan, 7, 100, () => 0)).toEqual([{ size: 1, retries: 2 }]);
    expect(resplitPlan(plan, 7, 100, () => 0.999)).toEqual([{ size: 7, retries: 2 }]);
    expect(resplitPlan([], 7, 100, () => 0.5)).toEqual([]);
  });
});

describe('interpretBatchResponse', () => {
  it('treats no response, an empty object and an empty or null list as success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(interpretBatchResponse(response, batch, true)).toEqual({ kind: 'success' });
    }
  });

  it('uses the lowest failed sequence number as the checkpoint', () => {
    const response = { batchItemFailures: [{ itemIdentifier: '104' }, { itemIdentifier: '102' }] };
    expect(interpretBatchResponse(response, batch, true)).toEqual({ kind: 'partial', firstFailedIndex: 1 });
  });

  it('fails the whole batch for an empty, null, misnamed or unknown identifier', () => {
    for (const failure of [
      { itemIdentifier: '' },
      { itemIdentifier: null },
      { sequenceNumber: '102' },
      { itemIdentifier: '999' },
    ]) {
      expect(interpretBatchResponse({ batchItemFailures: [failure] }, batch, true)).toEqual({
        kind: 'error',
      });
    }
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    expect(interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: '102' }] }, batch, false)).toEqual({
      kind: 'success',
    });
  });
});

describe('countFittingPayload', () => {
  it('cuts a batch so the invoke payload stays within 6 MB', () => {
    const big = Array.from({ length: 10 }, (_, i) => record(String(i), 1_400_000));
    expect(countFittingPayload(big, 0, 10)).toBe(4);
    expect(4 * 1_400_000).toBeLessThanOrEqual(MAX_INVOKE_PAYLOAD_BYTES);
    expect(countFittingPayload(big, 8, 10)).toBe(2);
    expect(countFittingPayload(batch, 0, 3)).toBe(3);
  });
});

describe('laneOf and the seeded random source', () => {
  it('maps a partition key to the same lane every time, within range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 10 }), (key, lanes) => {
        const lane = laneOf(key, lanes);
        expect(lane).toBe(laneOf(key, lanes));
        expect(lane).toBeGreaterThanOrEqual(0);
        expect(lane).toBeLessThan(lanes);
      }),
    );
  });

  it('spreads many keys over every lane', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => laneOf(`SYM${i}`, 10)));
    expect(used.size).toBe(10);
  });

  it('replays the same sequence from the same seed', () => {
    const a = createRandom(42).next;
    const b = createRandom(42).next;
    const c = createRandom(43).next;
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('backs off exponentially up to the maximum, and not at all for bisected halves', () => {
    const backoff = { initialMs: 10, maxMs: 100 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, backoff))).toEqual([0, 10, 20, 40, 80, 100]);
  });
});

describe('resolveOptions', () => {
  const base = { kinesis: {} as KinesisClient, streamName: 's', handler: async () => undefined };
  const cases: [string, Record<string, unknown>][] = [
    ['batchSize', { batchSize: 10_001 }],
    ['batchSize', { batchSize: 0 }],
    ['parallelizationFactor', { parallelizationFactor: 11 }],
    ['maximumRetryAttempts', { maximumRetryAttempts: -2 }],
    ['maximumRetryAttempts', { maximumRetryAttempts: 10_001 }],
    ['maximumRecordAgeSeconds', { maximumRecordAgeSeconds: 59 }],
    ['maximumBatchingWindowMs', { maximumBatchingWindowMs: 300_001 }],
    ['startingPositionTimestamp', { startingPosition: 'AT_TIMESTAMP' }],
  ];
  it.each(cases)('rejects an out-of-range %s with the option named', (option, values) => {
    expect(() => resolveOptions({ ...base, ...values })).toThrow(InvalidEventSourceMappingError);
    try {
      resolveOptions({ ...base, ...values });
    } catch (err) {
      expect((err as InvalidEventSourceMappingError).option).toBe(option);
    }
  });

  it('defaults to Lambda’s: batch 100, infinite retries and age, no bisect, TRIM_HORIZON', () => {
    expect(resolveOptions(base)).toMatchObject({
      batchSize: 100,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      bisectBatchOnFunctionError: false,
      parallelizationFactor: 1,
      startingPosition: 'TRIM_HORIZON',
    });
  });
});
