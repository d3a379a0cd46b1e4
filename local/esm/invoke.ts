import { randomUUID } from 'node:crypto';
import type { InvokeOutcome } from './retry-policy.js';
import type { EventSourceMappingStats, FailureCondition, OnFailureEnvelope } from './types.js';

/** Counters before the first poll; the Kinesis and Kafka runners report the same ones. */
export function emptyEsmStats(): EventSourceMappingStats {
  return {
    invocations: 0,
    retries: 0,
    recordsRead: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    functionErrors: 0,
    partialFailures: 0,
    bisections: 0,
    failuresToDestination: 0,
    recordsToDestination: 0,
  };
}

/** What one invocation came to, and how long it took. */
export interface Invocation {
  readonly outcome: InvokeOutcome;
  readonly error?: unknown;
  readonly durationMs: number;
}

/**
 * One synchronous invocation as both runners make it: counted, timed, its response read by the
 * transport's `interpret` (a partial batch response names sequence numbers on Kinesis, offsets on
 * Kafka); a throw is a function error, as Lambda sees an unhandled exception.
 */
export async function invokeOnce(
  stats: EventSourceMappingStats,
  call: () => unknown,
  interpret: (response: unknown) => InvokeOutcome,
): Promise<Invocation> {
  stats.invocations++;
  const started = performance.now();
  try {
    const outcome = interpret(await call());
    if (outcome.kind === 'partial') stats.partialFailures++;
    if (outcome.kind === 'error') stats.functionErrors++;
    return { outcome, durationMs: performance.now() - started };
  } catch (error) {
    stats.functionErrors++;
    return { outcome: { kind: 'error' }, error, durationMs: performance.now() - started };
  }
}

/** The part of Lambda's on-failure document both transports share: who failed, why, when. */
export function onFailureEnvelope(d: {
  readonly functionArn: string;
  readonly condition: FailureCondition;
  readonly approximateInvokeCount: number;
  readonly functionError?: string | undefined;
  readonly now: Date;
  readonly requestId?: string;
}): OnFailureEnvelope {
  return {
    requestContext: {
      requestId: d.requestId ?? randomUUID(),
      functionArn: d.functionArn,
      condition: d.condition,
      approximateInvokeCount: d.approximateInvokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(d.functionError && { functionError: d.functionError }),
    },
    version: '1.0',
    timestamp: d.now.toISOString(),
  };
}
