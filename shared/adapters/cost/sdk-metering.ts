import type {
  FinalizeRequestMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import {
  type Item,
  itemSize,
  onDemandBilledBytes,
  putPayloadUnits,
  s3RequestClass,
  writeUnits,
} from '../../cost/index.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * SDK v3 middleware that counts each request in its service's billable units into a
 * {@link UsageMeter}. It sits after the retry middleware, so every attempt that reaches the service
 * is counted (a retried write is billed again), and before nothing that could skip it: a fault
 * injected before a write never reaches the wire and is not counted.
 */

export type MeteredService = 'dynamodb' | 'kinesis' | 's3';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

interface MeteringContext {
  readonly command: string;
  readonly input: Input;
  readonly bodyBytes: number | undefined;
}

const DYNAMO_DATA =
  /^(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactWriteItems|TransactGetItems)/;

/** Installs the metering middleware on a client (plain or DocumentClient: they share one stack). */
export function installMetering(
  client: { middlewareStack: unknown },
  service: MeteredService,
  meter: UsageMeter,
): void {
  const stack = client.middlewareStack as MiddlewareStack<object, MetadataBearer>;
  if (service === 'dynamodb') {
    // Ask DynamoDB what each request consumed: the service's own figure, item sizes before and after included.
    const ask: InitializeMiddleware<object, MetadataBearer> = (next, context) => (args) => {
      const input = args.input as Input;
      if (DYNAMO_DATA.test(context.commandName ?? '') && input.ReturnConsumedCapacity === undefined) {
        return next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
      }
      return next(args);
    };
    stack.add(ask, { step: 'initialize', name: 'tickflowConsumedCapacity', override: true });
  }
  const count: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    const length = request.headers?.['content-length'] ?? request.headers?.['Content-Length'];
    const ctx: MeteringContext = {
      command: (context.commandName ?? '').replace(/Command$/, ''),
      input: args.input as Input,
      bodyBytes: length === undefined ? undefined : Number(length),
    };
    try {
      const result = await next(args);
      countSuccess(service, ctx, result.output as unknown as Output, meter);
      return result;
    } catch (err) {
      countFailure(service, ctx, err, meter);
      throw err;
    }
  };
  stack.add(count, { step: 'finalizeRequest', priority: 'low', name: 'tickflowMetering', override: true });
}

function countSuccess(
  service: MeteredService,
  ctx: MeteringContext,
  output: Output,
  meter: UsageMeter,
): void {
  if (service === 'dynamodb') countDynamo(ctx, output, meter);
  else if (service === 'kinesis') countKinesis(ctx, output, meter);
  else countS3(ctx, meter);
}

/** A request the service answered with an error: DynamoDB bills failed conditional writes. */
function countFailure(service: MeteredService, ctx: MeteringContext, err: unknown, meter: UsageMeter): void {
  const answered = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (answered === undefined) return;
  if (service === 'dynamodb') {
    meter.add('dynamodb.requests');
    if ((err as Error).name === 'ConditionalCheckFailedException') {
      meter.add('dynamodb.conditionalFailures');
      meter.add('dynamodb.writeUnits', writeUnits(requestItemBytes(ctx.input)));
    }
  } else if (service === 'kinesis') {
    if (ctx.command.startsWith('Put')) meter.add('kinesis.putRequests');
  } else {
    countS3Request(ctx.command, meter);
  }
}

/** The item a failed write carried: Put's item, or Update's key and new values (what the request shows). */
function requestItemBytes(input: Input): number {
  if (input.Item) return itemSize(input.Item as Item);
  let bytes = input.Key ? itemSize(input.Key as Item) : 0;
  const values = input.ExpressionAttributeValues as Item | undefined;
  if (values) bytes += itemSize(values);
  return bytes;
}

interface Consumed {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

function countDynamo(ctx: MeteringContext, output: Output, meter: UsageMeter): void {
  meter.add('dynamodb.requests');
  if (!DYNAMO_DATA.test(ctx.command)) return;
  const consumed = output.ConsumedCapacity as Consumed | Consumed[] | undefined;
  const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
    (a, c) => a + (c.CapacityUnits ?? 0),
    0,
  );
  const isRead = /^(Get|Query|Scan|BatchGet|TransactGet)/.test(ctx.command);
  meter.add(isRead ? 'dynamodb.readUnits' : 'dynamodb.writeUnits', units);
}

function countKinesis(ctx: MeteringContext, output: Output, meter: UsageMeter): void {
  if (ctx.command === 'PutRecords' || ctx.command === 'PutRecord') {
    meter.add('kinesis.putRequests');
    const records =
      ctx.command === 'PutRecords'
        ? (ctx.input.Records as { Data: Uint8Array; PartitionKey: string }[])
        : [ctx.input as unknown as { Data: Uint8Array; PartitionKey: string }];
    const results = (output.Records as { ErrorCode?: string }[] | undefined) ?? [];
    records.forEach((r, i) => {
      if (results[i]?.ErrorCode) return; // a refused record is not ingested
      const bytes = r.Data.length + Buffer.byteLength(r.PartitionKey);
      meter.add('kinesis.records');
      meter.add('kinesis.bytesIn', bytes);
      meter.add('kinesis.putPayloadUnits', putPayloadUnits(bytes));
      meter.add('kinesis.onDemandBytesIn', onDemandBilledBytes(bytes));
    });
  } else if (ctx.command === 'GetRecords') {
    meter.add('kinesis.getRecordsRequests');
    for (const r of (output.Records as { Data: Uint8Array }[] | undefined) ?? []) {
      meter.add('kinesis.bytesOut', r.Data.length);
    }
  }
}

function countS3(ctx: MeteringContext, meter: UsageMeter): void {
  countS3Request(ctx.command, meter);
  const key = `${String(ctx.input.Bucket)}/${String(ctx.input.Key)}`;
  if (ctx.command === 'PutObject' && ctx.bodyBytes !== undefined) meter.stored(key, ctx.bodyBytes);
  else if (ctx.command === 'DeleteObject') meter.deleted(key);
  else if (ctx.command === 'DeleteObjects') {
    const objects = (ctx.input.Delete as { Objects?: { Key: string }[] } | undefined)?.Objects ?? [];
    for (const o of objects) meter.deleted(`${String(ctx.input.Bucket)}/${o.Key}`);
  }
}

function countS3Request(command: string, meter: UsageMeter): void {
  const cls = s3RequestClass(command);
  if (cls === 'putCopyPostList') meter.add('s3.putCopyPostListRequests');
  else if (cls === 'getAndOther') meter.add('s3.getAndOtherRequests');
}
