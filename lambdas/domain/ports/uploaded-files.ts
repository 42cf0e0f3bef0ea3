/**
 * The files uploaded for an import, as its first step reads them: each byte hashed once, and a
 * gzipped file expanded into another object (the Distributed Map's item reader reads an object as it
 * is stored). Implemented by lambdas/adapters/uploaded-files.ts.
 */
export interface InspectedFile {
  /** SHA-256 of the bytes as uploaded (hex): the evidence cites the file by it. */
  readonly sha256: string;
  readonly bytes: number;
  /** Gzip by its magic number (whatever its name); its expansion was written to `expandTo`. */
  readonly gzip: boolean;
}

export interface UploadedFiles {
  /** Reads the object once: hashes it and, if it is gzip, writes its gunzipped bytes to `expandTo`. */
  inspect(key: string, expandTo: string): Promise<InspectedFile>;
}
