/**
 * One benchmark case in its own process (bench/run.ts forks this file with tsx). Each case starts a
 * fresh local runtime: handlers keep per-environment state at module scope, as in Lambda (their
 * dependencies with the runtime's queue URL and link base, the SQS client bound to the runtime's
 * endpoint), so a second runtime in the same process would use the first one's.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { runCampaignCost, runCartCost, runInboundCost, runWelcomeCost } from './cost-cases';
import { runImport } from './import-case';
import { runAcceptance, runFaults, runThroughput } from './throughput';

export type CaseSpec =
  | { kind: 'throughput'; recipients: number; mps: number; throttleRate?: number }
  | { kind: 'faults'; recipients: number; mps: number }
  | { kind: 'acceptance'; subscribers: number; mps: number; throttleRate: number }
  | { kind: 'campaignCost'; recipients: number; mps: number }
  | { kind: 'welcomeCost'; subscribers: number }
  | { kind: 'cartCost'; carts: number }
  | { kind: 'inboundCost'; perKeyword: number }
  | { kind: 'import'; endpoints: number };

async function run(spec: CaseSpec): Promise<unknown> {
  switch (spec.kind) {
    case 'throughput':
      return runThroughput(spec);
    case 'faults':
      return runFaults(spec);
    case 'acceptance':
      return runAcceptance(spec);
    case 'campaignCost':
      return runCampaignCost(spec);
    case 'welcomeCost':
      return runWelcomeCost(spec);
    case 'cartCost':
      return runCartCost(spec);
    case 'inboundCost':
      return runInboundCost(spec);
    case 'import':
      return runImport(spec);
  }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CaseSpec;
run(spec).then(
  (result) => {
    if (process.send) process.send({ ok: true, result }, () => process.exit(0));
    else {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    }
  },
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (process.send) process.send({ ok: false, error: message }, () => process.exit(1));
    else {
      console.error(message);
      process.exit(1);
    }
  },
);
