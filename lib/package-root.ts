/**
 * The directory that holds lambdas/ and statemachines/: the repository when lib/ runs from source
 * (tsx, the tests, `npx cdk`), the installed package when an app runs Optline's compiled lib/ from
 * `node_modules/optline/dist/lib/`. The functions are bundled from their sources in either case.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const PACKAGE_ROOT = existsSync(resolve(__dirname, '..', 'statemachines'))
  ? resolve(__dirname, '..')
  : resolve(__dirname, '..', '..');
