import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Lambda's default function timeout is 3 s; the aggregator is deployed with more, this is the local budget. */
const LOCAL_TIMEOUT_MS = 60_000;

/**
 * A Lambda `Context` for one local invocation, so handlers (and Powertools) that read the request id,
 * function name or remaining time behave as in AWS.
 */
export function lambdaContext(functionName: string, functionArn: string): Context {
  const deadline = Date.now() + LOCAL_TIMEOUT_MS;
  const requestId = randomUUID();
  const unsupported = () => {
    throw new Error('the local event source mapping supports async handlers only (no done/fail/succeed)');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
