/**
 * The import's dependencies, as the batch route (`importsApi`) and the Distributed Map's batch
 * function (`importBatches`) both build them: the recorder's stores, no means of texting or
 * publishing, and the import's pace.
 */
import { DynamoConsentLogStore } from '../../adapters/consent-log-store';
import { DynamoImportStore } from '../../adapters/import-store';
import { DynamoProfileStore } from '../../adapters/profile-store';
import { realTimePace } from '../../adapters/real-time-pace';
import { systemClock } from '../../adapters/system-clock';
import { refusedEffects, type ImportDeps } from '../../services/imports';
import { phonePolicy, runtimeConfig } from './runtime';

export interface ImportEnvironment {
  readonly profilesTable: string;
  readonly consentLogTable: string;
  readonly importsTable: string;
  readonly importRowsPerSecond: number;
}

export function importDependencies(env: ImportEnvironment): ImportDeps {
  const config = runtimeConfig();
  return {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    imports: new DynamoImportStore(env.importsTable),
    pace: realTimePace(env.importRowsPerSecond),
    ...refusedEffects(),
  };
}
