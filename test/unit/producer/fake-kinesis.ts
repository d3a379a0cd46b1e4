import type { PutRecordsCommandInput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { PutRecordsCall } from '../../../shared/adapters/kinesis-publisher.js';

/**
 * A thin fake of the PutRecords call: kinesalite never throttles or fails single entries, so the
 * partial-failure paths are driven from here. Accepted records are appended to a per-key log in
 * request order, which is the order a shard would hold them in.
 */
export class FakeKinesis {
  readonly requests: { key: string; data: string }[][] = [];
  readonly log = new Map<string, string[]>();

  /** `refuse(key, data, attempt)` returns an error code to fail that entry, or undefined to accept it. */
  constructor(private readonly refuse: (key: string, data: string) => string | undefined = () => undefined) {}

  readonly putRecords: PutRecordsCall = async (input: PutRecordsCommandInput) => {
    const request = (input.Records ?? []).map((r) => ({
      key: r.PartitionKey!,
      data: Buffer.from(r.Data!).toString('utf8'),
    }));
    this.requests.push(request);
    const records: PutRecordsResultEntry[] = request.map(({ key, data }) => {
      const code = this.refuse(key, data);
      if (code) return { ErrorCode: code, ErrorMessage: `fake ${code}` };
      const log = this.log.get(key) ?? [];
      log.push(data);
      this.log.set(key, log);
      return { ShardId: 'shardId-000000000000', SequenceNumber: String(log.length) };
    });
    return { FailedRecordCount: records.filter((r) => r.ErrorCode).length, Records: records };
  };
}
