/** EventBridge Scheduler: one-time schedules that invoke a function with a JSON input, then delete themselves. */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CACHED_MIDDLEWARE, environmentClient, HTTP_HANDLER, setUpClient } from './client-setup';
import type { OneTimeSchedule, Scheduler } from '../domain/ports/scheduler';

function schedulerClient(): SchedulerClient {
  return environmentClient('scheduler', () =>
    setUpClient(new SchedulerClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export interface SchedulerSettings {
  /** The role Scheduler assumes to invoke the target. */
  readonly roleArn: string;
  readonly groupName: string;
  /** Where Scheduler puts an invocation it could not deliver after its retries. */
  readonly deadLetterQueueArn?: string;
}

export class EventBridgeScheduler implements Scheduler {
  constructor(private readonly settings: SchedulerSettings) {}

  async create(schedule: OneTimeSchedule): Promise<'created' | 'exists'> {
    try {
      await schedulerClient().send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: this.settings.groupName,
          ScheduleExpression: `at(${schedule.at})`,
          ScheduleExpressionTimezone: schedule.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: schedule.targetArn,
            RoleArn: this.settings.roleArn,
            Input: JSON.stringify(schedule.input),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
            // A dispatch Scheduler could not deliver lands here (alarmed), not nowhere.
            ...(this.settings.deadLetterQueueArn
              ? { DeadLetterConfig: { Arn: this.settings.deadLetterQueueArn } }
              : {}),
          },
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConflictException) return 'exists';
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await schedulerClient().send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.settings.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
