/**
 * Step Functions task (the import state machine) → a step of the import of an uploaded file:
 * `prepare` (hash, reader, gunzip, running), `finish` (succeeded, with the report) or `fail`.
 */
import { environmentOf } from '../../lib/function-environment';
import { DynamoImportStore } from '../adapters/import-store';
import { systemClock } from '../adapters/system-clock';
import { S3UploadedFiles } from '../adapters/uploaded-files';
import * as z from '../domain/zod';
import { failImport, finishImport, prepareImport, type PrepareDeps } from '../services/import-runs';
import { eventHandler } from './shared/event-handler';

const environment = environmentOf('importSteps');

const StepSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('prepare'), importId: z.string(), bucket: z.string(), key: z.string() }),
  z.object({ step: z.literal('finish'), importId: z.string() }),
  z.object({
    step: z.literal('fail'),
    importId: z.string(),
    failure: z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
  }),
]);

let deps: PrepareDeps | undefined;
function dependencies(): PrepareDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    imports: new DynamoImportStore(env.importsTable),
    files: new S3UploadedFiles(env.importsBucket),
  };
  return deps;
}

async function run(event: unknown) {
  const step = StepSchema.parse(event);
  switch (step.step) {
    case 'prepare':
      return prepareImport(dependencies(), step);
    case 'finish':
      return finishImport(dependencies(), step);
    case 'fail':
      return failImport(dependencies(), {
        importId: step.importId,
        error: step.failure.Error ?? 'States.Failed',
        cause: step.failure.Cause ?? '',
      });
  }
}

export const handler = eventHandler(environment, run);
