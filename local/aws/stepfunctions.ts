/**
 * Step Functions for the local runtime: StartExecution / DescribeExecution / StopExecution over the
 * real ASL files, executed by aws-local-stepfunctions. Lambda tasks run the local handlers; Wait
 * states are timed by the virtual clock (each Wait is run as a task that sleeps until the virtual
 * time it names, so `OPTLINE_TIME_SCALE` and `/_local/clock` move flows along).
 *
 * A Distributed Map (a Map with an `ItemReader`), which the interpreter does not run, is run here as
 * a task: the object is read from the local S3 (`CSV` with the header first, or `JSONL`), each item
 * shaped by `ItemSelector` (`$$.Map.Item.Index`, `$$.Map.Item.Value`, paths of the state's input),
 * grouped by `ItemBatcher` (`MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput`), and each batch run through the
 * `ItemProcessor` by the interpreter, one batch after the other in the items' order (AWS runs up to
 * `MaxConcurrency` at once). More failed batches than `ToleratedFailureCount` fail the state with
 * `States.ExceedToleratedFailureThreshold`; `ResultWriter` writes the batches' results and a
 * manifest under its prefix and answers `ResultWriterDetails`, as AWS does. The reads and writes are
 * the runtime's own (AWS checks them against the machine's role, which the local runtime does not
 * enforce).
 */
import '../polyfills';
import { parse as parseCsv } from 'csv-parse/sync';
import { StateMachine } from 'aws-local-stepfunctions';
import type { PendingWork } from '../settle';
import type { VirtualClock } from '../virtual-clock';
import { processWide } from '../process-wide';
import { AwsError, JSON_DENIAL, requireString, type JsonService } from './protocol';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AslState = Record<string, Json>;
interface AslDefinition {
  States: Record<string, AslState>;
  StartAt: string;
  [key: string]: Json | Record<string, AslState>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** State transitions, for the benchmark's cost model. */
  transitions: number;
  /** The virtual time a Wait state of this execution is waiting for, while it waits. */
  waitingUntil?: Date;
  /** The state entered last (the one running while the execution runs). */
  currentState?: string;
  /** Each Task state run, in order, with its input and its result or error (as AWS's execution history). */
  readonly tasks: TaskRun[];
  abort?: () => void;
  done: Promise<void>;
}

export interface TaskRun {
  readonly state: string;
  /** Virtual time the task finished. */
  readonly at: Date;
  readonly input: Json;
  readonly output?: Json;
  readonly error?: string;
}

export interface LocalStateMachine {
  readonly arn: string;
  readonly name: string;
  /** ASL with placeholders already substituted. */
  readonly definition: AslDefinition;
}

export interface StepFunctionsOptions {
  readonly clock: VirtualClock;
  readonly region: string;
  readonly account: string;
  readonly stateMachines: readonly LocalStateMachine[];
  /** Invokes a Lambda function by ARN with a payload (the local Lambda host). */
  readonly invokeLambda: (arn: string, payload: unknown) => Promise<unknown>;
  /** Reads an S3 object (a Distributed Map's `ItemReader`); absent: Distributed Maps fail. */
  readonly readObject?: (bucket: string, key: string) => Promise<Buffer>;
  /** Writes an S3 object (a Distributed Map's `ResultWriter`). */
  readonly writeObject?: (bucket: string, key: string, body: string) => Promise<void>;
}

const LOCAL_WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:optline-local-wait';
const LOCAL_DISTRIBUTED_MAP_RESOURCE =
  'arn:aws:lambda:us-east-1:000000000000:function:optline-local-distributed-map';
/** The fields of a Map state a Task state may not have. */
const MAP_FIELDS = [
  'ItemReader',
  'ItemSelector',
  'ItemBatcher',
  'ItemProcessor',
  'Iterator',
  'ItemsPath',
  'Parameters',
  'MaxConcurrency',
  'MaxConcurrencyPath',
  'ToleratedFailureCount',
  'ToleratedFailurePercentage',
  'ResultWriter',
  'Label',
];
/**
 * Step Functions' limit on an execution's input and a task's result: 256 KiB as UTF-8
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). A larger input is
 * refused at StartExecution; a larger task result fails the execution with States.DataLimitExceeded,
 * which no Catch catches, not even States.ALL.
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** The longest task timeout Node timers allow (about 24.8 days of real time). */
const FOREVER_SECONDS = 2_147_483;

/**
 * ASL definitions the interpreter has validated, by their JSON text. It validates a definition
 * against the ASL schema on every run unless told not to, compiling the schema with ajv each time
 * (some 200 ms), and the verdict depends on the text alone: a prepared definition (Wait states made
 * tasks) is the same text on every run of its machine, in every runtime. Kept for the life of the
 * process (../process-wide.ts), so that runtimes started one after another in a process (test files
 * sharing a worker) validate each definition once. A definition the schema refuses is never added,
 * so it is refused on every run.
 */
function interpreterOf(definition: AslDefinition): StateMachine {
  const validated = processWide('stepfunctions.validated', () => new Set<string>());
  // Before the interpreter sees it: validating fills in each state's default QueryLanguage.
  const text = JSON.stringify(definition);
  const stateMachine = new StateMachine(definition as never, {
    validationOptions: { checkArn: false, noValidate: validated.has(text) },
  });
  validated.add(text);
  return stateMachine;
}

export class StepFunctionsEmulator {
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly machines: Map<string, LocalStateMachine>;

  constructor(private readonly options: StepFunctionsOptions) {
    this.machines = new Map(options.stateMachines.map((m) => [m.arn, m]));
  }

  service(): JsonService {
    return {
      targetPrefix: 'AWSStepFunctions',
      operations: {
        StartExecution: (input) => this.start(input),
        DescribeExecution: (input) => this.describe(input),
        StopExecution: (input) => this.stop(input),
      },
      // A start is authorized on the state machine, the others on the execution.
      access: (operation, input) => [
        {
          action: `states:${operation}`,
          resource: String(
            (operation === 'StartExecution' ? input.stateMachineArn : input.executionArn) ?? '',
          ),
        },
      ],
      denial: JSON_DENIAL,
    };
  }

  /** Resolves when no execution is running. */
  async settle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((e) => e.done));
    }
  }

  /** Running executions: sleeping in a Wait state until a later virtual time, or running. */
  pending(): PendingWork[] {
    const now = this.options.clock.now().getTime();
    const work: PendingWork[] = [];
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      const until = execution.waitingUntil;
      const stateMachine = this.machines.get(execution.stateMachineArn)?.name ?? execution.stateMachineArn;
      work.push(
        until !== undefined && until.getTime() > now
          ? { kind: 'flow', name: execution.name, stateMachine, state: 'sleeping', until }
          : { kind: 'flow', name: execution.name, stateMachine, state: 'running' },
      );
    }
    return work;
  }

  stopAll(): void {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort?.();
  }

  private start(input: Record<string, unknown>) {
    const stateMachineArn = requireString(input, 'stateMachineArn');
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new AwsError('StateMachineDoesNotExist', `state machine ${stateMachineArn} does not exist`);
    const name = typeof input.name === 'string' && input.name ? input.name : crypto.randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new AwsError('InvalidName', `invalid execution name ${name}`);
    const rawInput = typeof input.input === 'string' ? input.input : '{}';
    if (Buffer.byteLength(rawInput, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
      );
    }
    let parsedInput: Json;
    try {
      parsedInput = JSON.parse(rawInput) as Json;
    } catch {
      throw new AwsError('InvalidExecutionInput', 'input is not valid JSON');
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.account}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: same name and input while running is idempotent; anything else is refused.
      if (existing.status === 'RUNNING' && existing.input === rawInput) {
        return { executionArn, startDate: existing.startDate.getTime() / 1000 };
      }
      throw new AwsError('ExecutionAlreadyExists', `execution ${name} already exists`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name,
      input: rawInput,
      startDate: this.options.clock.now(),
      status: 'RUNNING',
      transitions: 0,
      tasks: [],
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, record);
    record.done = this.run(machine, record, parsedInput);
    return { executionArn, startDate: record.startDate.getTime() / 1000 };
  }

  private async run(machine: LocalStateMachine, record: ExecutionRecord, input: Json): Promise<void> {
    const abort = new AbortController();
    const { definition, handlers } = this.prepare(machine.definition, abort.signal, record);
    const stateMachine = interpreterOf(definition);
    const execution = stateMachine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          StartTime: record.startDate.toISOString(),
          Input: input,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      } as never,
    });
    record.abort = () => {
      abort.abort();
      execution.abort();
    };
    void (async () => {
      for await (const log of execution.eventLogs) {
        if (log.type !== 'StateEntered') continue;
        record.transitions += 1;
        record.currentState = log.state.name;
      }
    })().catch(() => undefined);
    try {
      const output = await execution.result;
      if (record.status === 'RUNNING') {
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output);
      }
    } catch (error) {
      if (record.status === 'RUNNING') {
        const failure = error as Error & { cause?: { name?: string; message?: string } };
        record.status = failure.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        record.error = failure.cause?.name ?? failure.name;
        record.cause = failure.cause?.message ?? failure.message;
      }
    } finally {
      record.stopDate ??= this.options.clock.now();
    }
  }

  private describe(input: Record<string, unknown>) {
    const record = this.find(input);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.getTime() / 1000,
      ...(record.stopDate ? { stopDate: record.stopDate.getTime() / 1000 } : {}),
      input: record.input,
      ...(record.output !== undefined ? { output: record.output } : {}),
      ...(record.error ? { error: record.error, cause: record.cause } : {}),
    };
  }

  private stop(input: Record<string, unknown>) {
    const record = this.find(input);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.error = typeof input.error === 'string' ? input.error : undefined;
      record.cause = typeof input.cause === 'string' ? input.cause : undefined;
      record.stopDate = this.options.clock.now();
      record.abort?.();
    }
    return { stopDate: (record.stopDate ?? this.options.clock.now()).getTime() / 1000 };
  }

  private find(input: Record<string, unknown>): ExecutionRecord {
    const arn = requireString(input, 'executionArn');
    const record = this.executions.get(arn);
    if (!record) throw new AwsError('ExecutionDoesNotExist', `execution ${arn} does not exist`);
    return record;
  }

  /** Copies the definition, mapping Lambda tasks to local handlers and Wait states to virtual-time waits. */
  private prepare(source: AslDefinition, signal: AbortSignal, record: ExecutionRecord) {
    const definition = JSON.parse(JSON.stringify(source)) as AslDefinition;
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const visit = (states: Record<string, AslState>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') {
          handlers[name] = async (input) => {
            try {
              const output = await this.invokeTask(state, input, record);
              record.tasks.push({ state: name, at: this.options.clock.now(), input, output });
              return output;
            } catch (error) {
              const failure = (error as Error).name;
              record.tasks.push({ state: name, at: this.options.clock.now(), input, error: failure });
              throw error;
            }
          };
        } else if (state.Type === 'Wait') {
          const wait = { ...state };
          for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
          state.Type = 'Task';
          state.Resource = LOCAL_WAIT_RESOURCE;
          state.TimeoutSeconds = FOREVER_SECONDS;
          handlers[name] = async (input) => {
            const until = this.waitUntil(wait, input);
            record.waitingUntil = until;
            try {
              await this.options.clock.sleepUntil(until, signal);
            } finally {
              record.waitingUntil = undefined;
            }
            return input;
          };
        } else if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
          for (const branch of state.Branches as unknown as AslDefinition[]) visit(branch.States);
        } else if (state.Type === 'Map' && state.ItemReader) {
          const map = { ...state };
          for (const key of MAP_FIELDS) delete state[key];
          state.Type = 'Task';
          state.Resource = LOCAL_DISTRIBUTED_MAP_RESOURCE;
          state.TimeoutSeconds = FOREVER_SECONDS;
          handlers[name] = (input) => this.runDistributedMap(map, input, record);
        } else if (state.Type === 'Map') {
          const processor = (state.ItemProcessor ?? state.Iterator) as unknown as AslDefinition | undefined;
          if (processor) visit(processor.States);
        }
      }
    };
    visit(definition.States);
    return { definition, handlers };
  }

  /** A Distributed Map, run as the class comment says. */
  private async runDistributedMap(map: AslState, input: Json, record: ExecutionRecord): Promise<Json> {
    const reader = map.ItemReader as { Parameters?: Json; ReaderConfig?: Record<string, Json> };
    const location = resolveTemplate(reader.Parameters ?? {}, input) as { Bucket?: Json; Key?: Json };
    if (!this.options.readObject)
      throw statesError('States.ItemReaderFailed', 'no local S3 to read items from');
    let body: Buffer;
    try {
      body = await this.options.readObject(String(location.Bucket), String(location.Key));
    } catch (error) {
      throw statesError('States.ItemReaderFailed', `cannot read ${String(location.Key)}: ${String(error)}`);
    }
    const values = readItems(body, reader.ReaderConfig ?? {});
    const selector = map.ItemSelector as Json | undefined;
    const items = values.map((value, index) =>
      selector === undefined ? value : resolveTemplate(selector, input, { Index: index, Value: value }),
    );
    const batcher = map.ItemBatcher as
      { MaxItemsPerBatch?: number; MaxInputBytesPerBatch?: number; BatchInput?: Json } | undefined;
    const batches: Json[] = [];
    if (!batcher) batches.push(...items);
    else {
      const size = batcher.MaxItemsPerBatch ?? items.length;
      const maxBytes = batcher.MaxInputBytesPerBatch ?? MAX_PAYLOAD_BYTES;
      const batchInput: Record<string, Json> =
        batcher.BatchInput === undefined ? {} : { BatchInput: resolveTemplate(batcher.BatchInput, input) };
      const bytes = (value: Json) => Buffer.byteLength(JSON.stringify(value), 'utf8');
      // As Step Functions does: a batch takes items while it stays within both limits.
      const emptyBytes = bytes({ Items: [], ...batchInput });
      let current: Json[] = [];
      let currentBytes = emptyBytes;
      for (const item of items) {
        const itemBytes = bytes(item) + (current.length ? 1 : 0);
        if (current.length && (current.length >= size || currentBytes + itemBytes > maxBytes)) {
          batches.push({ Items: current, ...batchInput });
          current = [];
          currentBytes = emptyBytes;
        }
        current.push(item);
        currentBytes += bytes(item) + (current.length > 1 ? 1 : 0);
      }
      if (current.length) batches.push({ Items: current, ...batchInput });
    }
    const processor = { ...(map.ItemProcessor as unknown as AslDefinition) };
    delete processor.ProcessorConfig;
    const tolerated = typeof map.ToleratedFailureCount === 'number' ? map.ToleratedFailureCount : 0;
    const results: { Input: Json; Output?: Json; Error?: string; Cause?: string; Status: string }[] = [];
    let failures = 0;
    for (const batch of batches) {
      const abort = new AbortController();
      const { definition, handlers } = this.prepare(processor, abort.signal, record);
      const child = interpreterOf(definition);
      try {
        const output = (await child.run(batch as never, {
          overrides: { taskResourceLocalHandlers: handlers as never },
        }).result) as Json;
        results.push({ Input: batch, Output: output, Status: 'SUCCEEDED' });
      } catch (error) {
        const failure = error as Error & { cause?: { name?: string; message?: string } };
        failures += 1;
        results.push({
          Input: batch,
          Error: failure.cause?.name ?? failure.name,
          Cause: failure.cause?.message ?? failure.message,
          Status: 'FAILED',
        });
        if (failures > tolerated)
          throw statesError(
            'States.ExceedToleratedFailureThreshold',
            `The specified tolerated failure threshold was exceeded: ${failures} of ${batches.length} batches failed (${failure.cause?.name ?? failure.name}: ${failure.cause?.message ?? failure.message})`,
          );
      }
    }
    const writer = map.ResultWriter as { Parameters?: Json } | undefined;
    if (!writer) return results.map((r) => r.Output ?? null);
    const target = resolveTemplate(writer.Parameters ?? {}, input) as { Bucket?: Json; Prefix?: Json };
    const bucket = String(target.Bucket);
    const prefix = `${String(target.Prefix ?? '')}/${crypto.randomUUID()}`;
    const succeeded = results.filter((r) => r.Status === 'SUCCEEDED');
    const failed = results.filter((r) => r.Status === 'FAILED');
    const files = [
      ...(succeeded.length ? [{ key: `${prefix}/SUCCEEDED_0.json`, results: succeeded }] : []),
      ...(failed.length ? [{ key: `${prefix}/FAILED_0.json`, results: failed }] : []),
    ];
    for (const file of files)
      await this.options.writeObject?.(bucket, file.key, JSON.stringify(file.results));
    const manifest = `${prefix}/manifest.json`;
    await this.options.writeObject?.(
      bucket,
      manifest,
      JSON.stringify({
        DestinationBucket: bucket,
        MapRunArn: `${record.executionArn}/map-run`,
        ResultFiles: {
          SUCCEEDED: succeeded.length ? [{ Key: `${prefix}/SUCCEEDED_0.json`, Size: 0 }] : [],
          FAILED: failed.length ? [{ Key: `${prefix}/FAILED_0.json`, Size: 0 }] : [],
          PENDING: [],
        },
      }),
    );
    return { ResultWriterDetails: { Bucket: bucket, Key: manifest } };
  }

  private async invokeTask(state: AslState, input: Json, record: ExecutionRecord): Promise<Json> {
    const resource = String(state.Resource);
    const call = async (functionName: string, payload: Json) => {
      const result = ((await this.options.invokeLambda(functionName, payload)) ?? null) as Json;
      if (Buffer.byteLength(JSON.stringify(result), 'utf8') > MAX_PAYLOAD_BYTES)
        this.failTerminally(
          record,
          'States.DataLimitExceeded',
          `The state/task '${functionName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
        );
      return result;
    };
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const params = input as { FunctionName?: string; Payload?: Json };
      return { Payload: await call(String(params.FunctionName), params.Payload ?? {}), StatusCode: 200 };
    }
    if (resource.startsWith('arn:aws:lambda:')) return call(resource, input);
    throw new Error(`Task resource ${resource} is not emulated locally`);
  }

  /** Ends the execution with an error no Catch or Retry sees (Step Functions' terminal errors). */
  private failTerminally(record: ExecutionRecord, error: string, cause: string): never {
    if (record.status === 'RUNNING') {
      record.status = 'FAILED';
      record.error = error;
      record.cause = cause;
      record.stopDate = this.options.clock.now();
      record.abort?.();
    }
    throw statesError(error, cause);
  }

  private waitUntil(state: AslState, input: Json): Date {
    const now = this.options.clock.now();
    if (typeof state.Seconds === 'number') return new Date(now.getTime() + state.Seconds * 1000);
    if (typeof state.Timestamp === 'string') return new Date(state.Timestamp);
    if (typeof state.SecondsPath === 'string') {
      const seconds = Number(readPath(input, state.SecondsPath));
      if (!Number.isFinite(seconds) || seconds < 0)
        throw statesError('States.Runtime', `SecondsPath ${state.SecondsPath} is not a non-negative number`);
      return new Date(now.getTime() + seconds * 1000);
    }
    if (typeof state.TimestampPath === 'string') {
      const value = readPath(input, state.TimestampPath);
      const at = new Date(String(value));
      if (typeof value !== 'string' || Number.isNaN(at.getTime())) {
        throw statesError('States.Runtime', `TimestampPath ${state.TimestampPath} is not a timestamp`);
      }
      return at;
    }
    return now;
  }
}

function statesError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The items of an object as an `ItemReader` reads it: CSV records by the first row's names, or JSON Lines. */
function readItems(body: Buffer, config: Record<string, Json>): Json[] {
  const text = body.toString('utf8');
  if (config.InputType === 'CSV') {
    if (config.CSVHeaderLocation !== 'FIRST_ROW')
      throw statesError('States.ItemReaderFailed', 'only CSVHeaderLocation FIRST_ROW is emulated');
    try {
      return parseCsv(text, {
        columns: true,
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
      }) as Json[];
    } catch (error) {
      throw statesError('States.ItemReaderFailed', `CSV: ${(error as Error).message}`);
    }
  }
  if (config.InputType === 'JSONL') {
    return text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as Json;
        } catch {
          throw statesError('States.ItemReaderFailed', `JSONL: line ${index + 1} is not JSON`);
        }
      });
  }
  throw statesError('States.ItemReaderFailed', `InputType ${String(config.InputType)} is not emulated`);
}

/**
 * A payload template (`Parameters`, `ItemSelector`, `BatchInput`): fields ending in `.$` take the
 * value of a path of the input, or of `$$.Map.Item.Index` / `$$.Map.Item.Value` for an item.
 */
function resolveTemplate(template: Json, input: Json, item?: { Index: number; Value: Json }): Json {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return template;
  const resolved: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      resolved[key] = resolveTemplate(value, input, item);
      continue;
    }
    const path = String(value);
    let found: Json | undefined;
    if (path === '$$.Map.Item.Index') found = item?.Index ?? null;
    else if (path.startsWith('$$.Map.Item.Value'))
      found = readPath(item?.Value ?? null, `$${path.slice('$$.Map.Item.Value'.length)}`);
    else found = readPath(input, path);
    if (found === undefined) throw statesError('States.Runtime', `path ${path} not found in the input`);
    resolved[key.slice(0, -2)] = found;
  }
  return resolved;
}

/** Reads a simple reference path (`$.a.b[0].c`), the only form Wait states accept. */
export function readPath(input: Json, path: string): Json | undefined {
  if (!path.startsWith('$')) return undefined;
  const tokens = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter((t) => t !== undefined && t !== '');
  let current: Json | undefined = input;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(token)] : current[token];
  }
  return current;
}
