/** Step Functions: start flows under deterministic names, stop them when an order makes them moot. */
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { sfnClient } from './aws-clients';
import type { FlowRunner } from '../domain/ports/flow-runner';

export class StepFunctionsFlowRunner implements FlowRunner {
  async start(stateMachineArn: string, name: string, input: unknown): Promise<'started' | 'exists'> {
    try {
      await sfnClient().send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'exists';
      throw error;
    }
  }

  async stop(executionArn: string, cause: string): Promise<'stopped' | 'not_found'> {
    try {
      await sfnClient().send(new StopExecutionCommand({ executionArn, cause, error: 'OrderPlaced' }));
      return 'stopped';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'not_found';
      throw error;
    }
  }
}
