import { resolve } from 'node:path';

/** The repository's root directory. */
export const ROOT = resolve(__dirname, '..', '..');
