/**
 * The switch of a number change (see `number-changes.ts`), run by the dispatcher at `switchAt`: its own
 * module, so the dispatcher carries none of the request checks and templates of scheduling a change.
 */
import type { Clock } from '../domain/clock';
import type { NumberChangeStore } from '../domain/stores/number-change';

/** Scheduler target at `switchAt`: the new identity becomes current for every send. */
export async function switchNumber(
  deps: { readonly numberChanges: NumberChangeStore; readonly clock: Clock },
  changeId: string,
) {
  const change = await deps.numberChanges.get(changeId);
  if (!change) return { switched: false, reason: 'unknown change' };
  const at = deps.clock.now().toISOString();
  await deps.numberChanges.setCurrent({
    identity: change.newIdentity,
    phoneNumber: change.newPhoneNumber,
    since: at,
    byChange: changeId,
  });
  await deps.numberChanges.markSwitched(changeId, at);
  return { switched: true };
}
