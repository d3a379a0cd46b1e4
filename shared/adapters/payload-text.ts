const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A stream record's bytes as the payload text the validator reads: UTF-8, or `base64:` and the bytes
 * when they are not UTF-8 (which then fails JSON validation), so the record is quarantined, not lost.
 * Shared by every transport (Kinesis, Kafka).
 */
export function payloadText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return `base64:${Buffer.from(bytes).toString('base64')}`;
  }
}
