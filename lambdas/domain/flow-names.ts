/**
 * Deterministic execution names: Step Functions refuses a second execution with the same name (for
 * 90 days), so a duplicate event starts nothing. Names are `<flow>-<hash>` within the 80-character,
 * `[A-Za-z0-9_-]` limit.
 */
import { createHash } from 'node:crypto';

export function flowExecutionName(flow: string, ...parts: readonly string[]): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);
  return `${flow}-${hash}`;
}

/** The execution ARN a name gets under a state machine ARN. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
