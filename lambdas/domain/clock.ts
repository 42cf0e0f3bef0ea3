/** Where domain code gets the time from. Handlers inject the real (or the local virtual) clock. */
export interface Clock {
  now(): Date;
}

/** A clock that stands still until told to move: for tests and replay. */
export function fixedClock(
  start: Date | string,
): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    set: (at: Date | string) => {
      current = new Date(at).getTime();
    },
  };
}
