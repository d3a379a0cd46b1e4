import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { createRandom, type Random } from '../random.js';

/**
 * Fault injection for `--chaos P`: each write fails with probability P, half of the faults before the
 * write reaches the service and half after it took effect (the response is lost). Same seed → same
 * sequence of decisions. It proves the exactly-once story: every write is idempotent and the state
 * commit is last, so a retry of any prefix of a batch gives the same outputs.
 */

export type FaultDecision = 'none' | 'before' | 'after';

export class InjectedFault extends Error {
  constructor(
    readonly operation: string,
    readonly phase: 'before' | 'after',
  ) {
    super(`injected fault ${phase} ${operation}`);
    this.name = 'InjectedFault';
  }
}

export class FaultInjector {
  private readonly rng: Random;
  /** Faults injected so far, by phase. */
  readonly injected = { before: 0, after: 0 };

  constructor(
    readonly probability: number,
    seed: number | string,
  ) {
    if (!(probability >= 0 && probability <= 1))
      throw new RangeError(`chaos probability must be in [0, 1], got ${probability}`);
    this.rng = createRandom(`chaos:${seed}`);
  }

  decide(): FaultDecision {
    if (this.probability === 0 || !this.rng.chance(this.probability)) return 'none';
    const phase = this.rng.chance(0.5) ? 'before' : 'after';
    this.injected[phase]++;
    return phase;
  }

  /** Runs `write` under a fault decision. */
  async around<T>(operation: string, write: () => Promise<T>): Promise<T> {
    const decision = this.decide();
    if (decision === 'before') throw new InjectedFault(operation, 'before');
    const result = await write();
    if (decision === 'after') throw new InjectedFault(operation, 'after');
    return result;
  }
}

/** Commands that change data, for the DynamoDB and S3 clients (plain and document clients). */
const WRITE_COMMAND = /^(Put|BatchWrite|Update|Delete|TransactWrite|CompleteMultipartUpload)/;

/** Installs the injector on an SDK v3 client so every write command goes through it. */
export function injectWriteFaults(client: DynamoDBDocumentClient | S3Client, injector: FaultInjector): void {
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => (args) => {
    const name = context.commandName ?? '';
    return WRITE_COMMAND.test(name) ? injector.around(name, () => next(args)) : next(args);
  };
  (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(middleware, {
    step: 'initialize',
    name: 'tickflowFaultInjection',
    override: true,
  });
}
