/**
 * What a process that hosts the handlers itself may supply in their place. Lambda supplies nothing:
 * every hook falls back to the platform's own. A host that runs the handlers in its process (the
 * local runtime: docs/local-runtime.md) installs its hooks before the first invocation.
 *
 * The hooks live on the global object, under registered symbols, not in this module's state: a
 * bundled handler carries its own copy of this module and must see the same hooks.
 */

const TIME_SOURCE = Symbol.for('optline.host.timeSource');

type HostGlobal = typeof globalThis & { [TIME_SOURCE]?: () => number };

/** The time now in epoch milliseconds: the host's time source, else the system clock. */
export function hostNowMs(): number {
  const source = (globalThis as HostGlobal)[TIME_SOURCE];
  return source ? source() : Date.now();
}

/** For hosts: the time source every handler's clock reads from now on (undefined: the system's). */
export function installTimeSource(source: (() => number) | undefined): void {
  if (source) (globalThis as HostGlobal)[TIME_SOURCE] = source;
  else delete (globalThis as HostGlobal)[TIME_SOURCE];
}
