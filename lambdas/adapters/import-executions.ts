/** The import state machine's executions (named by import id), as Step Functions describes them. */
import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import type { ImportExecution, ImportExecutions } from '../domain/stores/imports';
import { sfnClient } from './aws-clients';

export class StepFunctionsImportExecutions implements ImportExecutions {
  constructor(private readonly stateMachineArn: string) {}

  async describe(importId: string): Promise<ImportExecution | undefined> {
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${importId}`;
    try {
      const execution = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
      return {
        status: execution.status ?? 'RUNNING',
        ...(execution.error ? { error: execution.error } : {}),
        ...(execution.cause ? { cause: execution.cause } : {}),
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }
}
