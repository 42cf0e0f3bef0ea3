/**
 * One-time schedules that invoke a function with a JSON input.
 * Implemented by lambdas/adapters/scheduler.ts.
 */
export interface OneTimeSchedule {
  readonly name: string;
  /** Local date-time `YYYY-MM-DDTHH:MM:SS` in `timeZone`. */
  readonly at: string;
  readonly timeZone: string;
  readonly targetArn: string;
  readonly input: unknown;
}

export interface Scheduler {
  create(schedule: OneTimeSchedule): Promise<'created' | 'exists'>;
  delete(name: string): Promise<void>;
}
