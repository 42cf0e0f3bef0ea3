/**
 * `optline number-change`: schedules the move to a new sending number (the final message from the
 * old number, the switch, the first message from the new one) through the API, or shows its progress.
 */
import * as z from '../lambdas/domain/zod';
import { NumberChangeRequestSchema } from '../lambdas/domain/number-change';
import { apiFailure } from './api-commands';
import { apiClient, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';

export const numberChange: Command = {
  usage: [
    'Usage: optline number-change --new-number <+1…> --switch-at <ISO time> [--new-identity <arn|+1…>]',
    '                             [--final-message "<template>"] [--first-message "<template>"] [options]',
    '       optline number-change status <changeId> [options]',
    '',
    'Schedules the final message from the old number about a week before --switch-at, the switch,',
    'and the first message from the new number (POST /v1/number-changes).',
    '',
    TARGET_USAGE,
  ].join('\n'),
  run: runNumberChange,
};

async function runNumberChange(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    'new-number': { type: 'string' },
    'new-identity': { type: 'string' },
    'switch-at': { type: 'string' },
    'final-message': { type: 'string' },
    'first-message': { type: 'string' },
    ...TARGET_OPTIONS,
  });
  if (values.help) {
    io.out(numberChange.usage);
    return EXIT_OK;
  }
  let call: (client: Awaited<ReturnType<typeof apiClient>>) => Promise<Record<string, unknown>>;
  if (positionals[0] === 'status') {
    const changeId = positionals[1];
    if (!changeId) throw new UsageError('missing changeId');
    call = (client) => client.getNumberChange(changeId);
  } else {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const newNumber = values['new-number'];
    const switchAt = values['switch-at'];
    if (!newNumber) throw new UsageError('missing --new-number');
    if (!switchAt) throw new UsageError('missing --switch-at');
    const body = {
      newPhoneNumber: newNumber,
      newOriginationIdentity: values['new-identity'] ?? newNumber,
      switchAt,
      ...(values['final-message'] ? { finalMessage: values['final-message'] } : {}),
      ...(values['first-message'] ? { firstMessage: values['first-message'] } : {}),
    };
    // The request's own schema: a malformed option is bad usage, told before anything is sent.
    const checked = z.safeParse(NumberChangeRequestSchema, body);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const option: Record<string, string> = {
        newPhoneNumber: '--new-number',
        newOriginationIdentity: '--new-identity',
        switchAt: '--switch-at',
        finalMessage: '--final-message',
        firstMessage: '--first-message',
      };
      throw new UsageError(
        `${option[String(issue?.path[0])] ?? 'invalid option'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    call = (client) => client.createNumberChange(body);
  }
  let result: Record<string, unknown>;
  try {
    result = await call(await apiClient(values, io.env));
  } catch (error) {
    return apiFailure('number-change', error, io);
  }
  if (values.json) {
    io.out(JSON.stringify(result, null, 2));
    return EXIT_OK;
  }
  const progress =
    (result.messages as
      | {
          kind: string;
          from: string;
          sendAt: string;
          sent: number;
          optOutRate: number | null;
          baselineOptOutRate: number;
        }[]
      | undefined) ?? [];
  io.out(
    `Number change ${String(result.changeId)}: ${String(result.oldPhoneNumber)} → ${String(result.newPhoneNumber)} at ${String(result.switchAt)}`,
  );
  io.out(`  final message from the old number: ${String(result.finalAt)}`);
  if (result.stage) io.out(`  stage: ${String(result.stage)}`);
  for (const m of progress) {
    const rate = m.optOutRate === null ? 'n/a' : `${(m.optOutRate * 100).toFixed(1)}%`;
    io.out(
      `  ${m.kind.padEnd(5)} from ${m.from} at ${m.sendAt}: ${m.sent} sent, opt-out rate ${rate} (baseline ${(m.baselineOptOutRate * 100).toFixed(1)}%)`,
    );
  }
  return EXIT_OK;
}
