/**
 * Documents larger than a Lambda response carries (6 MB, less API Gateway's envelope) are answered
 * with a download link rather than cut or refused (decision 0038): 200 with
 * `{ download: { url, expiresAt, contentType, bytes } }`.
 */
import type { DownloadDocument, DownloadLink } from '../../adapters/download-links';
import type { HttpResponse } from './http';

/** The largest body answered inline; a larger document is answered with a download link. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** The bytes a body takes in the Lambda response: a binary body travels base64-encoded. */
export function responseBytes(body: Uint8Array, binary: boolean): number {
  return binary ? Math.ceil(body.byteLength / 3) * 4 : body.byteLength;
}

/** The answer for a document too large to send inline: where to fetch it, until when. */
export async function downloadResponse(
  links: { publish(document: DownloadDocument): Promise<DownloadLink> },
  document: DownloadDocument,
): Promise<HttpResponse> {
  const download = await links.publish(document);
  return { status: 200, body: { download }, headers: { 'cache-control': 'no-store' } };
}
