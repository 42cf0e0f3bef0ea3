/**
 * Each function's own environment inside the one process that runs them all. Lambda gives every
 * function an execution environment with its own variables (and credentials); the local Lambda host
 * runs every handler in this process, so while one of its invocations runs, `process.env` is that
 * function's environment:
 * - the variables the contract gives it (lib/function-environment.ts) and the ones Lambda sets
 *   (Region, credentials naming the function, the local endpoints), and nothing else of either kind:
 *   a variable its catalog entry does not give it is missing, as in AWS, even if another function or
 *   the process has it;
 * - the process's other variables (PATH, NODE_OPTIONS…), as any program sees them.
 * Writes during an invocation stay in the function's environment. Outside invocations (the runtime,
 * tests) `process.env` is the process's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FunctionId } from '../lib/catalog';
import { CONTRACT_NAMES, PLATFORM_VARIABLES } from '../lib/function-environment';
import { processWide } from './process-wide';

/** Names a function sees only from its own environment. */
const OWN_ONLY: ReadonlySet<string> = new Set([...CONTRACT_NAMES, ...Object.values(PLATFORM_VARIABLES)]);

export class FunctionEnvironments {
  /**
   * One store of the invocation's environment for every runtime of the process. Each enabled
   * AsyncLocalStorage costs every promise the process creates from then on, and none is ever let go
   * (a `disable()` is undone by the next `run()`): with a store per runtime, a test worker that had
   * run 30 runtimes paid 30 on every await (400,000 awaits took 0.07 s of CPU with one store
   * enabled, 0.98 s with 30). One store also lets a function of the runtime started first see its
   * own variables while a later runtime's environments are installed.
   */
  private readonly scope = processWide(
    'functionEnvironmentScope',
    () => new AsyncLocalStorage<NodeJS.ProcessEnv>(),
  );
  private readonly environments = new Map<FunctionId, NodeJS.ProcessEnv>();
  private base: NodeJS.ProcessEnv | undefined;

  /** Makes `process.env` follow the invocation that reads it (until `uninstall`). */
  install(): void {
    if (this.base) return;
    let base = process.env;
    this.base = base;
    const scope = this.scope;
    Object.defineProperty(process, 'env', {
      configurable: true,
      enumerable: true,
      get: () => scope.getStore() ?? base,
      set: (value: NodeJS.ProcessEnv) => {
        base = value;
        this.base = value;
      },
    });
  }

  uninstall(): void {
    if (!this.base) return;
    Object.defineProperty(process, 'env', {
      configurable: true,
      enumerable: true,
      writable: true,
      value: this.base,
    });
    this.base = undefined;
  }

  /** The function's own variables (every invocation of it sees them). */
  set(id: FunctionId, variables: Readonly<Record<string, string>>): void {
    const base = this.base;
    if (!base) throw new Error('install() first');
    this.environments.set(id, layered({ ...variables }, base));
  }

  /** Runs `work` as the function does: `process.env` is its environment, in every callback it starts. */
  run<T>(id: FunctionId, work: () => T): T {
    const environment = this.environments.get(id);
    if (!environment) throw new Error(`no environment for ${id}`);
    return this.scope.run(environment, work);
  }
}

/** The function's variables over the process's, without the process's platform and contract ones. */
function layered(own: Record<string, string>, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const read = (key: string): string | undefined =>
    Object.hasOwn(own, key) ? own[key] : OWN_ONLY.has(key) ? undefined : base[key];
  return new Proxy(own as NodeJS.ProcessEnv, {
    get: (_target, key) => (typeof key === 'string' ? read(key) : undefined),
    has: (_target, key) => typeof key === 'string' && read(key) !== undefined,
    set: (_target, key, value) => {
      if (typeof key === 'string') own[key] = String(value);
      return true;
    },
    deleteProperty: (_target, key) => {
      if (typeof key === 'string') delete own[key];
      return true;
    },
    ownKeys: () => [
      ...new Set([...Object.keys(base).filter((key) => !OWN_ONLY.has(key)), ...Object.keys(own)]),
    ],
    getOwnPropertyDescriptor: (_target, key) => {
      const value = typeof key === 'string' ? read(key) : undefined;
      return value === undefined
        ? undefined
        : { value, writable: true, enumerable: true, configurable: true };
    },
  });
}
