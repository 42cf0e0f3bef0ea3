/**
 * `POST /v1/imports`: an import by upload. The request names the source and the options as the
 * command takes them; the answer is the import's id and a presigned POST of the file into the
 * stack's import bucket (`uploads/<importId>`), valid for an hour, up to `IMPORT_UPLOAD_MAX_BYTES`.
 *
 * The `Idempotency-Key` is the upload: the same key answers the same import id and object key (with
 * a fresh URL, so a client that lost the first answer or let it expire can still upload), and the
 * same key with another request is a conflict.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { UPLOAD_PREFIX } from '../../lib/catalog';
import type { Clock } from '../domain/clock';
import { ImportConflictError, ValidationError } from '../domain/errors';
import { ImportOptionsError, mappingOf } from '../domain/import-options';
import {
  IMPORT_UPLOAD_MAX_BYTES,
  IMPORT_UPLOAD_SECONDS,
  type ImportUploadRequest,
} from '../domain/import-request';
import type { UploadPresigner } from '../domain/ports/upload-presigner';
import type { ImportStore } from '../domain/stores/imports';

export interface ImportUploadDeps {
  readonly clock: Clock;
  readonly imports: ImportStore;
  readonly presigner: UploadPresigner;
}

export interface ImportUpload {
  readonly importId: string;
  readonly from: ImportUploadRequest['from'];
  readonly fileName: string;
  readonly upload: {
    readonly method: 'POST';
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
    readonly maxBytes: number;
    readonly expiresAt: string;
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The import id of an upload: its `Idempotency-Key`'s. */
export function uploadImportId(idempotencyKey: string): string {
  return `imp-${sha256(`upload\n${idempotencyKey}`).slice(0, 20)}`;
}

export async function requestUpload(
  deps: ImportUploadDeps,
  idempotencyKey: string,
  request: ImportUploadRequest,
): Promise<{ readonly created: boolean; readonly upload: ImportUpload }> {
  // The options are read now as the import will read them: a mapping the command would refuse is
  // refused before anything is uploaded.
  try {
    mappingOf(request.from, request);
  } catch (error) {
    if (error instanceof ImportOptionsError) throw new ValidationError(error.message, error.option);
    throw error;
  }
  const importId = uploadImportId(idempotencyKey);
  const now = deps.clock.now();
  const record = {
    importId,
    keyHash: sha256(idempotencyKey),
    request,
    objectKey: `${UPLOAD_PREFIX}${importId}`,
    createdAt: now.toISOString(),
  };
  const stored = await deps.imports.registerUpload(record);
  if (stored !== record && canonicalize(stored.request) !== canonicalize(request))
    throw new ImportConflictError(
      'Idempotency-Key: this key was used for an upload with another source or options',
      'Idempotency-Key',
    );
  const { url, fields } = await deps.presigner.presign({
    key: stored.objectKey,
    maxBytes: IMPORT_UPLOAD_MAX_BYTES,
    expiresSeconds: IMPORT_UPLOAD_SECONDS,
  });
  return {
    created: stored === record,
    upload: {
      importId,
      from: request.from,
      fileName: request.fileName,
      upload: {
        method: 'POST',
        url,
        fields,
        maxBytes: IMPORT_UPLOAD_MAX_BYTES,
        expiresAt: new Date(now.getTime() + IMPORT_UPLOAD_SECONDS * 1000).toISOString(),
      },
    },
  };
}
