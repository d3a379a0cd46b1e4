/**
 * `tickflow preprocess --aws` against a fake Step Functions client: there is no AWS account (and no
 * Step Functions emulator) here, so the fake answers StartExecution, DescribeExecution and
 * GetExecutionHistory from a scripted execution.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../../cli/commands/preprocess.js';
import {
  ExecutionNotSucceededError,
  followPreprocessExecution,
  type StepFunctionsClient,
} from '../../../shared/adapters/preprocess/aws-execution.js';
import type { PreprocessOutcome } from '../../../shared/pipeline/preprocess/index.js';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:preprocess';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:preprocess:run-1';

const OUTCOME: PreprocessOutcome = {
  status: 'PARTIAL',
  manifestKey: 'features/_manifest.json',
  interval: '1m',
  symbols: 2,
  rows: { train: 70, val: 15, test: 15 },
  failedSymbols: [{ symbol: 'BAD', error: 'UnreadableBarsError', cause: 'cannot read bars file' }],
};

/** A scripted execution: RUNNING for `runningPolls` describes, then `final`; history grows each poll. */
function fakeSfn(
  final: { status: string; output?: string; error?: string; cause?: string },
  runningPolls = 2,
) {
  const sent: unknown[] = [];
  let polls = 0;
  const events: HistoryEvent[] = [];
  const client: StepFunctionsClient = {
    send: (async (command: unknown) => {
      sent.push(command);
      if (command instanceof StartExecutionCommand) return { executionArn: EXECUTION, startDate: new Date() };
      if (command instanceof DescribeExecutionCommand) {
        polls++;
        events.push({ id: polls, type: 'MapIterationSucceeded', timestamp: new Date() });
        return polls > runningPolls ? final : { status: 'RUNNING' };
      }
      if (command instanceof GetExecutionHistoryCommand) {
        // Two pages, to exercise nextToken.
        const half = Math.ceil(events.length / 2);
        return command.input.nextToken
          ? { events: events.slice(half) }
          : { events: events.slice(0, half), nextToken: 't' };
      }
      throw new Error(`unexpected command ${(command as object).constructor.name}`);
    }) as StepFunctionsClient['send'],
  };
  return { client, sent };
}

describe('following a preprocess execution in AWS (fake client)', () => {
  it('reports every history event once and returns the outcome of a succeeded execution', async () => {
    const { client } = fakeSfn({ status: 'SUCCEEDED', output: JSON.stringify(OUTCOME) });
    const seen: number[] = [];
    const outcome = await followPreprocessExecution(client, EXECUTION, {
      sleep: async () => {},
      onEvent: (e) => seen.push(e.id!),
    });
    expect(outcome).toEqual(OUTCOME);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws with the status, error and cause when the execution fails', async () => {
    const { client } = fakeSfn({ status: 'FAILED', error: 'States.Runtime', cause: 'boom' }, 0);
    const failure = followPreprocessExecution(client, EXECUTION, { sleep: async () => {} });
    await expect(failure).rejects.toBeInstanceOf(ExecutionNotSucceededError);
    await expect(followPreprocessExecution(client, EXECUTION, { sleep: async () => {} })).rejects.toThrow(
      /FAILED: States.Runtime boom/,
    );
  });

  it('`preprocess --aws --wait` starts the machine with the request, prints the outcome, exits 1 on failed symbols', async () => {
    const { client, sent } = fakeSfn({ status: 'SUCCEEDED', output: JSON.stringify(OUTCOME) }, 0);
    const out: string[] = [];
    const program = new Command('tickflow').exitOverride();
    register(program, { out: (t) => out.push(t), err: () => {}, sfn: () => client });
    const before = process.exitCode;
    try {
      await program.parseAsync(
        ['preprocess', '--aws', '--state-machine', ARN, '--wait', '--from', '2024-01-01', '--interval', '5m'],
        { from: 'user' },
      );
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
    const start = sent.find((c) => c instanceof StartExecutionCommand) as StartExecutionCommand;
    expect(start.input.stateMachineArn).toBe(ARN);
    expect(JSON.parse(start.input.input!)).toEqual({ interval: '5m', from: '2024-01-01' });
    expect(out.join('')).toContain(`started ${EXECUTION}`);
    expect(out.join('')).toContain('rows: train 70, val 15, test 15');
    expect(out.join('')).toContain('BAD: UnreadableBarsError');
  });

  it('refuses --aws without a state machine, and --lake together with --aws', async () => {
    const program = new Command('tickflow').exitOverride();
    register(program, { out: () => {}, err: () => {}, sfn: () => fakeSfn({ status: 'SUCCEEDED' }).client });
    const saved = process.env.TICKFLOW_PREPROCESS_STATE_MACHINE;
    delete process.env.TICKFLOW_PREPROCESS_STATE_MACHINE;
    try {
      await expect(program.parseAsync(['preprocess', '--aws'], { from: 'user' })).rejects.toThrow(
        /--state-machine/,
      );
      await expect(
        program.parseAsync(['preprocess', '--aws', '--lake', 'x'], { from: 'user' }),
      ).rejects.toThrow(/exactly one/);
    } finally {
      if (saved !== undefined) process.env.TICKFLOW_PREPROCESS_STATE_MACHINE = saved;
    }
  });
});
