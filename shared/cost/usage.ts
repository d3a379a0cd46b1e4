/**
 * What a run consumed, in each service's billable units. One flat record so meters can add to it
 * cheaply and summaries can carry it as JSON; `USAGE_UNITS` says what each key counts.
 */

export const USAGE_UNITS = {
  'dynamodb.requests': 'DynamoDB API requests (all operations)',
  'dynamodb.readUnits': 'DynamoDB read request units (on-demand)',
  'dynamodb.writeUnits': 'DynamoDB write request units (on-demand), failed conditional writes included',
  'dynamodb.conditionalFailures': 'DynamoDB writes whose condition failed (billed all the same)',
  'kinesis.putRequests': 'Kinesis PutRecord/PutRecords requests',
  'kinesis.records': 'Kinesis records accepted',
  'kinesis.bytesIn': 'Kinesis bytes written (data + partition key)',
  'kinesis.putPayloadUnits': 'Kinesis PUT payload units (25 KB each, provisioned mode)',
  'kinesis.onDemandBytesIn':
    'Kinesis bytes billed as written in on-demand mode (each record rounded up to 1 KiB)',
  'kinesis.getRecordsRequests': 'Kinesis GetRecords requests (free in provisioned mode)',
  'kinesis.bytesOut': 'Kinesis bytes read by GetRecords (billed per GB in on-demand mode)',
  'kinesis.shardHours': 'Kinesis shard-hours of the run (wall time × shards of the local stream)',
  's3.putCopyPostListRequests': 'S3 PUT, COPY, POST and LIST requests',
  's3.getAndOtherRequests': 'S3 GET and other requests',
  's3.storedBytes': 'S3 bytes stored at the end of the run',
  'lambda.requests': 'Lambda invocations',
  'lambda.gbSeconds': 'Lambda GB-seconds (measured handler durations × configured memory)',
  'keyspaces.writeUnits': 'Keyspaces write request units, failed lightweight transactions included',
  'keyspaces.readUnits': 'Keyspaces read request units',
  'keyspaces.failedConditionalWrites': 'Keyspaces lightweight transactions whose condition was false',
  'stepFunctions.stateTransitions': 'Step Functions state transitions (retries included)',
} as const;

export type UsageKey = keyof typeof USAGE_UNITS;
export type Usage = Record<UsageKey, number>;

/** A usage record with every unit at zero. */
export function emptyUsage(): Usage {
  return Object.fromEntries(Object.keys(USAGE_UNITS).map((k) => [k, 0])) as Usage;
}

/** The sum of two usage records. */
export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  const out = { ...a };
  for (const [k, v] of Object.entries(b) as [UsageKey, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * What was used between two snapshots of one meter: `later − earlier`, unit by unit. Stored bytes
 * are a level, not a count, so their difference is what the interval added to storage.
 */
export function subtractUsage(later: Usage, earlier: Usage): Usage {
  const out = emptyUsage();
  for (const k of Object.keys(out) as UsageKey[]) out[k] = (later[k] ?? 0) - (earlier[k] ?? 0);
  return out;
}
