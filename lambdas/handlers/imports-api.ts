/**
 * API Gateway (IAM) → POST /v1/imports → an import id and the presigned upload of its file;
 * POST /v1/imports/{importId}/batches → one batch of an import recorded (or, with `dryRun`, decided)
 * and its report; GET /v1/imports/{importId} → the import, its state (an upload's) and its report so far.
 */
import { ValidationError } from '../domain/errors';
import { ImportBatchSchema, ImportUploadSchema } from '../domain/import-request';
import { parseInput } from '../domain/validation';
import { StepFunctionsImportExecutions } from '../adapters/import-executions';
import { DynamoImportStore } from '../adapters/import-store';
import { systemClock } from '../adapters/system-clock';
import { S3UploadPresigner } from '../adapters/upload-presigner';
import { requestUpload, type ImportUploadDeps } from '../services/import-uploads';
import { checkImportId, importBatch, importStatus, type ImportDeps } from '../services/imports';
import { httpHandler } from './shared/http';
import { importDependencies } from './shared/import-deps';
import { environmentOf } from '../../lib/function-environment';

const environment = environmentOf('importsApi');

let uploadDeps: ImportUploadDeps | undefined;
function uploadDependencies(): ImportUploadDeps {
  const env = environment();
  uploadDeps ??= {
    clock: systemClock,
    imports: new DynamoImportStore(env.importsTable),
    presigner: new S3UploadPresigner(env.importsBucket),
  };
  return uploadDeps;
}

let deps: ImportDeps | undefined;
let executions: StepFunctionsImportExecutions | undefined;
const dependencies = () => (deps ??= importDependencies(environment()));

export const handler = httpHandler(
  environment,
  {
    'POST /v1/imports': async (request) => {
      // Required: the key is the upload (its import id), so a retried call uploads nothing twice.
      const key = request.headers['idempotency-key'];
      if (key === undefined || !/^[\w-]{8,100}$/.test(key))
        throw new ValidationError(
          'Idempotency-Key: required, 8-100 letters, digits, _ or -',
          'Idempotency-Key',
        );
      const body = parseInput(ImportUploadSchema, request.body);
      const { created, upload } = await requestUpload(uploadDependencies(), key, body);
      return { status: created ? 201 : 200, body: upload };
    },
    'POST /v1/imports/{importId}/batches': async (request) => {
      const importId = checkImportId(request.pathParameters.importId);
      const batch = parseInput(ImportBatchSchema, request.body);
      return { status: 200, body: await importBatch(dependencies(), importId, batch) };
    },
    'GET /v1/imports/{importId}': async (request) => {
      const importId = checkImportId(request.pathParameters.importId);
      executions ??= new StepFunctionsImportExecutions(environment().importStateMachine);
      return { status: 200, body: await importStatus({ ...dependencies(), executions }, importId) };
    },
  },
  // A batch of 100 rows, each with up to 50 properties.
  { maxBodyBytes: 1024 * 1024 },
);
