/**
 * A value made once per process, however often the module asking for it is evaluated. Test files
 * of the `fresh` project share a worker process and each evaluates this repository's modules anew
 * (vitest.config.mts), so a module-level value would be made again for every file; what a module
 * keeps for the life of the process (idle threads, validated definitions, an async scope) is kept
 * on `globalThis` instead, under a registered symbol named `optline.local.<name>`.
 */
export function processWide<T>(name: string, create: () => T): T {
  const holder = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(`optline.local.${name}`);
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}
