import { type WatermarkMark, watermarkMarkPayload } from '../domain/watermark-mark.js';
import { KinesisPublisher, type PublishStats, type PutRecordsCall } from './kinesis-publisher.js';

/**
 * Puts the idle flush's watermark marks on the tick stream, one record each with the symbol as the
 * partition key, so each lands in its symbol's shard after the ticks already there. Refused entries
 * are retried like ticks; a mark that still fails makes the call throw (the next run recomputes it).
 */
export function publishWatermarkMarks(
  putRecords: PutRecordsCall,
  streamName: string,
  marks: readonly WatermarkMark[],
): Promise<PublishStats> {
  const publisher = new KinesisPublisher({ streamName, putRecords, lingerMs: 0 });
  return publisher.publish(
    marks.map((mark) => ({ partitionKey: mark.symbol, payload: watermarkMarkPayload(mark) })),
  );
}
