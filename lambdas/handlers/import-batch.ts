/**
 * Step Functions task (a batch of the import's Distributed Map: `{ Items, BatchInput }`) → the batch
 * read into rows and imported by the batch route's code; throws when a row could not be written.
 */
import { environmentOf } from '../../lib/function-environment';
import { importItems, type RunBatchInput } from '../services/import-runs';
import type { ImportDeps } from '../services/imports';
import type { ImportItem } from '../domain/import-items';
import { eventHandler } from './shared/event-handler';
import { importDependencies } from './shared/import-deps';

const environment = environmentOf('importBatches');

let deps: ImportDeps | undefined;
const dependencies = () => (deps ??= importDependencies(environment()));

async function run(event: { readonly Items: readonly ImportItem[]; readonly BatchInput: RunBatchInput }) {
  return importItems(dependencies(), event);
}

export const handler = eventHandler(environment, run);
