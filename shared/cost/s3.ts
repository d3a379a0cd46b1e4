/**
 * S3's request classes (aws.amazon.com/s3/pricing/): PUT, COPY, POST and LIST requests are billed
 * at one rate, GET and every other request at a lower one; DELETE is free. Storage is billed per
 * GB-month of bytes stored.
 */

export type S3RequestClass = 'putCopyPostList' | 'getAndOther' | 'free';

const PUT_COPY_POST_LIST =
  /^(PutObject|CopyObject|UploadPart|UploadPartCopy|CreateMultipartUpload|CompleteMultipartUpload|ListObjects|ListObjectsV2|ListObjectVersions|ListMultipartUploads|ListParts|ListBuckets|PostObject)/;

/** The request class of an S3 API operation, by its command name (`PutObjectCommand` or `PutObject`). */
export function s3RequestClass(operation: string): S3RequestClass {
  const op = operation.replace(/Command$/, '');
  if (op === 'DeleteObject' || op === 'DeleteObjects' || op === 'AbortMultipartUpload') return 'free';
  return PUT_COPY_POST_LIST.test(op) ? 'putCopyPostList' : 'getAndOther';
}
