/**
 * The scheduled jobs' run lease on the local DynamoDB (dynalite evaluates the conditional writes it
 * rests on): of two runs started together exactly one runs, a lease left by a run that died is taken
 * over once it expires, and only its holder gives it back.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoRunLease, LEASE_PARTITION } from '../../shared/adapters/dynamo/run-lease.js';
import { runExclusively } from '../../shared/pipeline/run-lease.js';

let aws: LocalAws;
let lease: DynamoRunLease;
beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
  lease = new DynamoRunLease(createDocumentClient(aws.clientConfig), aws.names.outputTable);
});
afterAll(async () => {
  await aws?.stop();
});

describe('run lease', () => {
  it('lets exactly one of two runs started together run; the other skips at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let running = 0;
    let overlapped = false;
    const job = async () => {
      running++;
      if (running > 1) overlapped = true;
      await gate;
      running--;
      return 'done';
    };
    const until = Date.now() + 60_000;
    const first = runExclusively(lease, 'compactor', 'invocation-a', until, job);
    const second = runExclusively(lease, 'compactor', 'invocation-b', until, job);
    const settledFirst = await Promise.race([first, second]);
    expect(settledFirst).toEqual({ ran: false });
    release();
    const results = await Promise.all([first, second]);
    expect(results.filter((r) => r.ran)).toEqual([{ ran: true, result: 'done' }]);
    expect(overlapped).toBe(false);
    // Released: the next scheduled run gets it.
    expect(await runExclusively(lease, 'compactor', 'invocation-c', until, async () => 1)).toEqual({
      ran: true,
      result: 1,
    });
  });

  it('gives the lease back when the run throws', async () => {
    const until = Date.now() + 60_000;
    await expect(
      runExclusively(lease, 'materializer', 'a', until, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await lease.acquire('materializer', 'b', until)).toBe(true);
    const before = Date.now();
    await lease.release('materializer', 'b');
    // The release records when the job's last run ended (tickflow status reports it).
    expect(await lease.releasedAt('materializer')).toBeGreaterThanOrEqual(before);
  });

  it('takes over a lease whose run died once it expires, and keeps one that has not', async () => {
    expect(await lease.acquire('job', 'dead-run', Date.now() + 60_000)).toBe(true);
    expect(await lease.acquire('job', 'next-run', Date.now() + 60_000)).toBe(false);
    const later = new DynamoRunLease(
      createDocumentClient(aws.clientConfig),
      aws.names.outputTable,
      () => Date.now() + 61_000,
    );
    expect(await later.acquire('job', 'next-run', Date.now() + 120_000)).toBe(true);
    // The dead run's late release does not free the new holder's lease.
    await lease.release('job', 'dead-run');
    const item = await createDocumentClient(aws.clientConfig).send(
      new GetCommand({ TableName: aws.names.outputTable, Key: { pk: LEASE_PARTITION, sk: 'job' } }),
    );
    expect(item.Item?.holder).toBe('next-run');
  });
});
