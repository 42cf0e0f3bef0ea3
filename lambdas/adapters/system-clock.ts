/**
 * The clock handlers inject into domain code: the system clock, or the time source of the process
 * that hosts the handlers, if it installed one (./host-hooks.ts; the local runtime's virtual clock).
 */
import type { Clock } from '../domain/clock';
import { hostNowMs } from './host-hooks';

export const systemClock: Clock = {
  now: () => new Date(hostNowMs()),
};
