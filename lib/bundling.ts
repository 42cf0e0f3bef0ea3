/**
 * How every Lambda is bundled (local esbuild, no Docker): minified, Node.js 22, CommonJS, the AWS
 * SDK bundled (one tree-shaken copy of the versions the tests ran against), ES-module builds
 * preferred (they tree-shake far better), the SDK's credential chain reduced to environment
 * credentials (all Lambda ever uses), `semver` reduced to the one comparison the X-Ray SDK makes,
 * the SDK's event-stream support and DynamoDB's endpoint-discovery cache left out (no client the
 * Lambdas use streams events, no DynamoDB command reads the cache), and the validated program
 * config compiled in as the program config variable (lib/function-environment.ts; no 4 KB
 * environment limit). NodejsFunction and the
 * benchmark's size measurement both read this, so the measured bundles are the deployed ones.
 */
import { resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { RuntimeConfig } from '../lambdas/domain/runtime-config';
import { PROGRAM_CONFIG_VARIABLE } from './function-environment';
import { PACKAGE_ROOT } from './package-root';

export const ESBUILD_TARGET = 'node22';
export const MAIN_FIELDS = ['module', 'main'];
export const ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './lambdas/adapters/environment-credentials.ts',
  // Only the X-Ray SDK's AWS SDK v2 patcher uses semver, for one `gte` (see the module).
  semver: './lambdas/adapters/semver-gte.ts',
  // Loaded only for operations that stream events; no client the Lambdas use has one (see the module).
  '@smithy/core/event-streams': './lambdas/adapters/event-streams-absent.ts',
  // Built by DynamoDB's client, read by no command (see the module).
  '@aws-sdk/endpoint-cache': './lambdas/adapters/endpoint-cache-absent.ts',
};

export function defines(program: RuntimeConfig): Record<string, string> {
  return { [`process.env.${PROGRAM_CONFIG_VARIABLE}`]: JSON.stringify(JSON.stringify(program)) };
}

/**
 * The esbuild options NodejsFunction derives from these settings (as lib/constructs/functions.ts
 * uses them), for building a function the way it is deployed outside CDK: the benchmark measures
 * such bundles and a test runs them in the local runtime.
 */
export function deployedBuildOptions(
  root: string,
  entry: string,
  outfile: string,
  program: RuntimeConfig,
): BuildOptions {
  return { ...deployedOptions(root, program), entryPoints: [resolve(root, entry)], outfile };
}

/**
 * The same for several functions in one esbuild run: each entry point (by its output name, relative
 * to `outdir`) still makes a bundle of its own, as nothing is split, and the modules they share are
 * parsed once.
 */
export function deployedBundlesOptions(
  root: string,
  entries: Readonly<Record<string, string>>,
  outdir: string,
  program: RuntimeConfig,
): BuildOptions {
  return {
    ...deployedOptions(root, program),
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, entry]) => [name, resolve(root, entry)]),
    ),
    outdir,
  };
}

function deployedOptions(root: string, program: RuntimeConfig): BuildOptions {
  return {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    sourcemap: true,
    target: ESBUILD_TARGET,
    platform: 'node',
    format: 'cjs',
    external: [],
    mainFields: MAIN_FIELDS,
    alias: { ...ALIASES },
    define: defines(program),
    metafile: true,
    logLevel: 'silent',
  };
}

/** The same as NodejsFunction `esbuildArgs` (`--alias:<module>=<path>`). */
/** The aliases as esbuild arguments, absolute: CDK runs esbuild in the app's root, not the package's. */
export function aliasArgs(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ALIASES).map(([from, to]) => [`--alias:${from}`, resolve(PACKAGE_ROOT, to)]),
  );
}
