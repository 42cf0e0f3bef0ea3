/**
 * EventBridge Scheduler for the local runtime: one-time `at(...)` schedules (with their time zone)
 * and recurring `rate(...)` ones that fire on the virtual clock and invoke their target (a local
 * function, queue or state machine).
 */
import { zonedToInstant } from '../../lambdas/domain/zoned-time';
import type { PendingWork } from '../settle';
import type { VirtualClock } from '../virtual-clock';
import { AwsError, REST_JSON_DENIAL, type AccessRequest, type RestRoute } from './protocol';

export interface ScheduleRecord {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly target: { readonly Arn: string; readonly Input?: string; readonly RoleArn?: string };
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  /** A `rate(...)` schedule's period: it fires again this long after each due time. */
  readonly rateMs?: number;
  dueAt: Date;
  state: 'ENABLED' | 'COMPLETED' | 'FAILED';
  attempts: number;
  lastError?: string;
}

export interface SchedulerOptions {
  readonly clock: VirtualClock;
  readonly region: string;
  readonly account: string;
  /** Delivers the schedule's input to its target ARN. */
  readonly invokeTarget: (arn: string, input: unknown) => Promise<void>;
  readonly maxAttempts?: number;
}

export class SchedulerEmulator {
  readonly schedules = new Map<string, ScheduleRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  /** Number of target invocations, for the benchmark's cost model. */
  invocations = 0;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 100);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Fires every due schedule now and waits for their targets. */
  async settle(): Promise<void> {
    this.tick();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Fires every due schedule now, without waiting for its target. */
  fireDue(): void {
    this.tick();
  }

  /** Enabled schedules: firing (or due), or sleeping until their time. */
  pending(): PendingWork[] {
    const now = this.options.clock.now().getTime();
    const work: PendingWork[] = [];
    for (const record of this.schedules.values()) {
      if (record.state !== 'ENABLED') continue;
      const name = `${record.groupName}/${record.name}`;
      // A recurring schedule always has a next time: it is work only while it fires, or settling
      // with sleeping work would never end.
      if (record.rateMs !== undefined && (record.attempts === 0 || record.dueAt.getTime() > now)) continue;
      work.push(
        record.attempts === 0 && record.dueAt.getTime() > now
          ? { kind: 'schedule', name, state: 'sleeping', until: record.dueAt }
          : { kind: 'schedule', name, state: 'running' },
      );
    }
    return work;
  }

  routes(): RestRoute[] {
    const path = /^\/schedules\/([^/]+)$/;
    const name = (m: RegExpMatchArray) => decodeURIComponent(m[1] ?? '');
    // Authorized on the schedule; creating one also passes its target's role.
    const on = (action: string, m: RegExpMatchArray, group: string): AccessRequest[] => [
      { action: `scheduler:${action}`, resource: this.scheduleArn(group, name(m)) },
    ];
    return [
      {
        method: 'POST',
        pattern: path,
        handle: (m, body) => this.create(name(m), body),
        access: (m, body) => [
          ...on('CreateSchedule', m, groupOf(body.GroupName)),
          ...((body.Target as { RoleArn?: unknown } | undefined)?.RoleArn
            ? [{ action: 'iam:PassRole', resource: String((body.Target as { RoleArn: unknown }).RoleArn) }]
            : []),
        ],
        denial: REST_JSON_DENIAL,
      },
      {
        method: 'GET',
        pattern: path,
        handle: (m, _b, q) => this.describe(this.find(name(m), q)),
        access: (m, _b, q) => on('GetSchedule', m, groupOf(q.get('groupName'))),
        denial: REST_JSON_DENIAL,
      },
      {
        method: 'DELETE',
        pattern: path,
        handle: (m, _b, q) => this.delete(name(m), q),
        access: (m, _b, q) => on('DeleteSchedule', m, groupOf(q.get('groupName'))),
        denial: REST_JSON_DENIAL,
      },
    ];
  }

  private scheduleArn(group: string, name: string): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.account}:schedule/${group}/${name}`;
  }

  private key(name: string, group: string): string {
    return `${group}/${name}`;
  }

  private create(name: string, body: Record<string, unknown>) {
    const groupName = groupOf(body.GroupName);
    const key = this.key(name, groupName);
    if (this.schedules.has(key))
      throw new AwsError('ConflictException', `schedule ${name} already exists`, 409);
    const expression = String(body.ScheduleExpression ?? '');
    const timeZone =
      typeof body.ScheduleExpressionTimezone === 'string' ? body.ScheduleExpressionTimezone : 'UTC';
    const target = body.Target as ScheduleRecord['target'] | undefined;
    if (!target?.Arn) throw new AwsError('ValidationException', 'Target.Arn is required');
    const rate = expression.match(/^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/);
    if (rate) {
      const unit = rate[2]?.startsWith('day') ? 86_400_000 : rate[2]?.startsWith('hour') ? 3_600_000 : 60_000;
      const rateMs = Number(rate[1]) * unit;
      if (!(rateMs > 0)) throw new AwsError('ValidationException', `invalid rate in ${expression}`);
      const arn = this.scheduleArn(groupName, name);
      this.schedules.set(key, {
        name,
        groupName,
        arn,
        expression,
        timeZone,
        dueAt: new Date(this.options.clock.now().getTime() + rateMs),
        rateMs,
        target,
        actionAfterCompletion: 'NONE',
        state: 'ENABLED',
        attempts: 0,
      });
      return { ScheduleArn: arn };
    }
    const match = expression.match(/^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/);
    if (!match) {
      throw new AwsError(
        'ValidationException',
        `only at(yyyy-mm-ddThh:mm:ss) and rate(n minutes|hours|days) schedules are emulated, got ${expression}`,
      );
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const dueAt = zonedToInstant({ year, month, day, hour, minute, second }, timeZone);
    const arn = this.scheduleArn(groupName, name);
    this.schedules.set(key, {
      name,
      groupName,
      arn,
      expression,
      timeZone,
      dueAt,
      target,
      actionAfterCompletion: body.ActionAfterCompletion === 'DELETE' ? 'DELETE' : 'NONE',
      state: 'ENABLED',
      attempts: 0,
    });
    return { ScheduleArn: arn };
  }

  private find(name: string, query: URLSearchParams): ScheduleRecord {
    const record = this.schedules.get(this.key(name, query.get('groupName') ?? 'default'));
    if (!record) throw new AwsError('ResourceNotFoundException', `schedule ${name} does not exist`, 404);
    return record;
  }

  private describe(record: ScheduleRecord) {
    return {
      Name: record.name,
      GroupName: record.groupName,
      Arn: record.arn,
      ScheduleExpression: record.expression,
      ScheduleExpressionTimezone: record.timeZone,
      State: record.state === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      Target: record.target,
    };
  }

  private delete(name: string, query: URLSearchParams) {
    const record = this.find(name, query);
    this.schedules.delete(this.key(record.name, record.groupName));
    return {};
  }

  private tick(): void {
    const now = this.options.clock.now().getTime();
    for (const record of this.schedules.values()) {
      if (record.state !== 'ENABLED' || record.dueAt.getTime() > now || record.attempts > 0) continue;
      record.attempts = 1;
      const run = this.fire(record).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /**
   * Creates a schedule as the account's operator (the stack's own schedules, which no function
   * creates): what CloudFormation does on deploy.
   */
  createSchedule(name: string, input: Record<string, unknown>): void {
    this.create(name, input);
  }

  private async fire(record: ScheduleRecord): Promise<void> {
    try {
      await this.fireOnce(record);
    } finally {
      if (record.rateMs !== undefined) this.reschedule(record, record.rateMs);
    }
  }

  /** A recurring schedule's next due time: its period after the last, past now (missed ones are skipped). */
  private reschedule(record: ScheduleRecord, rateMs: number): void {
    const now = this.options.clock.now().getTime();
    let next = record.dueAt.getTime() + rateMs;
    if (next <= now) next += Math.ceil((now - next + 1) / rateMs) * rateMs;
    record.dueAt = new Date(next);
    record.attempts = 0;
    record.state = 'ENABLED';
  }

  private async fireOnce(record: ScheduleRecord): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const input: unknown = record.target.Input ? JSON.parse(record.target.Input) : {};
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      record.attempts = attempt;
      this.invocations += 1;
      try {
        await this.options.invokeTarget(record.target.Arn, input);
        record.state = 'COMPLETED';
        if (record.actionAfterCompletion === 'DELETE')
          this.schedules.delete(this.key(record.name, record.groupName));
        return;
      } catch (error) {
        record.lastError = String(error);
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    record.state = 'FAILED';
  }
}

/** A schedule's group: the one named, else `default`. */
function groupOf(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : 'default';
}
