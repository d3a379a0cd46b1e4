import { escapeHivePathValue } from '../../lake/hive-escape.js';
import { utcDate } from '../../lake/keys.js';
import { MARKS_PREFIX } from '../../pipeline/bronze/staging-keys.js';
import type { MarkStore, OriginMark } from '../../pipeline/ports.js';
import type { ObjectStore } from '../s3-object-store.js';

function folder(symbol: string, date: string): string {
  return `${MARKS_PREFIX}symbol=${escapeHivePathValue(symbol)}/date=${date}/`;
}

/** The mark's object: named by its stream position, so a redelivery rewrites the same key with the same bytes. */
export function markKey(m: OriginMark): string {
  const { shardId, sequenceNumber, subIndex } = m.origin;
  return `${folder(m.mark.symbol, utcDate(m.mark.watermark))}${escapeHivePathValue(shardId)}-${sequenceNumber}-${subIndex}.json`;
}

/** Watermark marks as small JSON objects in the lake bucket. */
export class S3MarkStore implements MarkStore {
  constructor(private readonly store: ObjectStore) {}

  async write(mark: OriginMark): Promise<void> {
    const body = JSON.stringify({ symbol: mark.mark.symbol, watermark: mark.mark.watermark, ...mark.origin });
    await this.store.put(markKey(mark), new TextEncoder().encode(body), 'application/json');
  }

  async read(symbol: string, date: string): Promise<OriginMark[]> {
    const out: OriginMark[] = [];
    for (const key of await this.store.list(folder(symbol, date))) {
      const bytes = await this.store.get(key);
      if (bytes === undefined) continue;
      const o = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      out.push({
        mark: { symbol: String(o.symbol), watermark: Number(o.watermark) },
        origin: {
          shardId: String(o.shardId),
          sequenceNumber: String(o.sequenceNumber),
          subIndex: Number(o.subIndex),
          arrivalTime: Number(o.arrivalTime),
        },
      });
    }
    return out;
  }
}
