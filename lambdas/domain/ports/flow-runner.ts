/**
 * Flows started under deterministic names and stopped when moot.
 * Implemented by lambdas/adapters/flow-runner.ts.
 */
export interface FlowRunner {
  /** `exists` when an execution with this name was already started (a duplicate event). */
  start(stateMachineArn: string, name: string, input: unknown): Promise<'started' | 'exists'>;
  stop(executionArn: string, cause: string): Promise<'stopped' | 'not_found'>;
}
