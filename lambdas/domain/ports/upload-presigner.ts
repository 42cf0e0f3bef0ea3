/**
 * Presigned uploads into a bucket: a URL and form fields with which a client that holds no AWS
 * credentials of the stack's POSTs one file to one key, within a size range, before a deadline.
 * Implemented by lambdas/adapters/upload-presigner.ts.
 */
export interface PresignedUpload {
  /** Where the form is POSTed (multipart/form-data, the file last, in the field `file`). */
  readonly url: string;
  /** The form's fields, sent as they are before the file. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface UploadPresigner {
  presign(input: {
    readonly key: string;
    readonly maxBytes: number;
    readonly expiresSeconds: number;
  }): Promise<PresignedUpload>;
}
