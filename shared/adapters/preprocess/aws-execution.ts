import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PreprocessError } from '../../pipeline/preprocess/errors.js';
import type { PreprocessOutcome, PreprocessRequest } from '../../pipeline/preprocess/types.js';

/** The part of the Step Functions client this module uses (a fake in tests). */
export type StepFunctionsClient = Pick<SFNClient, 'send'>;

/** The execution ended in another state than SUCCEEDED (FAILED, TIMED_OUT, ABORTED). */
export class ExecutionNotSucceededError extends PreprocessError {
  constructor(
    readonly executionArn: string,
    readonly status: string,
    readonly failure?: string,
    readonly failureCause?: string,
  ) {
    super(`execution ${executionArn} ended ${status}${failure ? `: ${failure} ${failureCause ?? ''}` : ''}`, {
      executionArn,
      status,
      failure,
      failureCause,
    });
  }
}

/** Starts one execution (preprocess, or any workflow given its input); resolves to its ARN. */
export async function startPreprocessExecution(
  client: StepFunctionsClient,
  stateMachineArn: string,
  request: PreprocessRequest | object,
): Promise<string> {
  const out = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(request) }),
  );
  if (!out.executionArn)
    throw new PreprocessError('StartExecution returned no executionArn', { stateMachineArn });
  return out.executionArn;
}

export interface FollowOptions {
  /** Pause between polls. @default 2000 */
  readonly pollMs?: number;
  /** Called once per new history event, in order. */
  readonly onEvent?: (event: HistoryEvent) => void;
  /** @default setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Follows an execution to its end with DescribeExecution, reporting each new history event from
 * GetExecutionHistory, and returns finalize's outcome (the execution output).
 * @throws ExecutionNotSucceededError when the execution fails, times out or is aborted.
 */
export async function followPreprocessExecution<Output = PreprocessOutcome>(
  client: StepFunctionsClient,
  executionArn: string,
  options: FollowOptions = {},
): Promise<Output> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let seen = 0;
  for (;;) {
    const described: DescribeExecutionCommandOutput = await client.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    const events = await history(client, executionArn);
    for (const event of events.slice(seen)) options.onEvent?.(event);
    seen = Math.max(seen, events.length);
    const status = described.status ?? 'RUNNING';
    if (status === 'SUCCEEDED') return JSON.parse(described.output ?? '{}') as Output;
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      throw new ExecutionNotSucceededError(executionArn, status, described.error, described.cause);
    }
    await sleep(options.pollMs ?? 2000);
  }
}

async function history(client: StepFunctionsClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page: GetExecutionHistoryCommandOutput = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
