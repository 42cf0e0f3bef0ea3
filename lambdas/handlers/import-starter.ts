/**
 * EventBridge rule (the import bucket's Object Created under `uploads/`) → one execution of the
 * import state machine, named by the import id: a duplicate event (EventBridge delivers at least
 * once) or a second upload under the same id starts nothing.
 */
import { UPLOAD_PREFIX } from '../../lib/catalog';
import { environmentOf } from '../../lib/function-environment';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { IMPORT_ID } from '../domain/import-request';
import { eventHandler } from './shared/event-handler';
import { logger } from './shared/runtime';

const environment = environmentOf('importStarter');
const runner = new StepFunctionsFlowRunner();

/** The part of S3's `Object Created` event (EventBridge) the starter reads. */
interface ObjectCreatedEvent {
  readonly detail?: {
    readonly bucket?: { readonly name?: string };
    readonly object?: { readonly key?: string };
  };
}

async function start(event: ObjectCreatedEvent) {
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  const importId = key?.startsWith(UPLOAD_PREFIX) ? key.slice(UPLOAD_PREFIX.length) : undefined;
  // The rule matches the prefix; anything else under it was not written by an upload form.
  if (!bucket || !key || !importId || !IMPORT_ID.test(importId)) {
    logger.warn('Object is not an import upload', { bucket, key });
    return { started: false };
  }
  const outcome = await runner.start(environment().importStateMachine, importId, { importId, bucket, key });
  logger.info('Import upload handled', { importId, outcome });
  return { started: outcome === 'started', importId };
}

export const handler = eventHandler(environment, start);
