/**
 * What the local event source mapping reports: the on-failure destination record (the JSON Lambda
 * writes to an S3 destination, https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html;
 * an SQS or SNS destination gets it without `payload`),
 * per-invocation outcomes and running counters.
 */

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO-8601. */
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** What every on-failure document Lambda sends starts with, on Kinesis and on Kafka. */
export interface OnFailureEnvelope {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  readonly version: '1.0';
  /** ISO-8601 time the records were discarded. */
  readonly timestamp: string;
}

export interface OnFailureRecord extends OnFailureEnvelope {
  readonly KinesisBatchInfo: KinesisBatchInfo;
  /** The whole invocation event (`{"Records":[…]}`) as a JSON string: what only an S3 destination keeps. */
  readonly payload: string;
}

export type InvocationResult = 'success' | 'function-error' | 'partial-failure';

export interface BatchOutcome {
  readonly shardId: string;
  /** Index of the parallelization lane (0 when parallelizationFactor is 1). */
  readonly lane: number;
  readonly size: number;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  /** 1 for the first delivery of these records at this head, 2+ for redeliveries. */
  readonly attempt: number;
  readonly result: InvocationResult;
  /** Records checkpointed by this invocation (all on success, those before the lowest failure on partial). */
  readonly checkpointed: number;
  readonly durationMs: number;
  readonly error?: unknown;
}

export interface EventSourceMappingStats {
  invocations: number;
  /** Invocations that redelivered records already delivered once. */
  retries: number;
  recordsRead: number;
  /** Records passed to the handler, redeliveries included. */
  recordsDelivered: number;
  /** Records checkpointed after a successful (or partially successful) invocation. */
  recordsSucceeded: number;
  functionErrors: number;
  partialFailures: number;
  bisections: number;
  /** Messages sent to the on-failure destination. */
  failuresToDestination: number;
  /** Records those messages cover (discarded from the stream's point of view). */
  recordsToDestination: number;
}
