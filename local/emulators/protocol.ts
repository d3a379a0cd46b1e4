/**
 * Messages between the local stack (parent) and the emulator host (child process) over the IPC channel.
 * Kept to plain JSON so either side can be replaced without the other noticing.
 */

export interface EmulatorHostOptions {
  /** Directory where s3rver keeps objects (`<key>._S3rver_object`). */
  readonly s3Directory: string;
  /** Time a new stream stays CREATING in kinesalite; AWS takes seconds, tests want milliseconds. */
  readonly createStreamMs: number;
  /** Time a new table stays CREATING in dynalite. */
  readonly createTableMs: number;
  /** Keys the clients sign with; s3rver rejects keys it does not know. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface EmulatorPorts {
  readonly kinesis: number;
  readonly dynamodb: number;
  readonly s3: number;
}

/** Child → parent. */
export type HostMessage =
  | { readonly type: 'ready'; readonly ports: EmulatorPorts }
  | { readonly type: 'failed'; readonly message: string };

/** Parent → child. */
export type ParentMessage = { readonly type: 'stop' };
