/** SQS bills each 64 KiB chunk of a request's payload as one request (aws.amazon.com/sqs/pricing/). */
export function sqsRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / (64 * 1024)));
}
