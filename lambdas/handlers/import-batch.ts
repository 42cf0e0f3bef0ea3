/**
 * Step Functions task (a batch of the import's Distributed Map: `{ Items, BatchInput }`) → the batch
 * read into rows and imported by the batch route's code; throws when a row could not be written.
 */
import { environmentOf } from '../../lib/function-environment';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoImportStore } from '../adapters/import-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { realTimePace } from '../adapters/real-time-pace';
import { systemClock } from '../adapters/system-clock';
import { importItems, type RunBatchInput } from '../services/import-runs';
import { refusedEffects, type ImportDeps } from '../services/imports';
import type { ImportItem } from '../domain/import-items';
import { eventHandler } from './shared/event-handler';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('importBatches');

let deps: ImportDeps | undefined;
function dependencies(): ImportDeps {
  const config = runtimeConfig();
  const env = environment();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    imports: new DynamoImportStore(env.importsTable),
    pace: realTimePace(env.importRowsPerSecond),
    ...refusedEffects(),
  };
  return deps;
}

async function run(event: { readonly Items: readonly ImportItem[]; readonly BatchInput: RunBatchInput }) {
  return importItems(dependencies(), event);
}

export const handler = eventHandler(environment, run);
