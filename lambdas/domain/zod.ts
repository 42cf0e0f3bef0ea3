/**
 * The zod every Lambda validates with: zod's tree-shakable API (`zod/mini`), configured with zod's
 * English messages. A bundle carries only the checks its schemas use, where the method-chaining
 * API (`zod`) carries all of them (docs/decisions/0013-zod-mini.md; sizes in bench/README.md).
 * Import it as `import * as z from './zod'`. Synth-time code (lib/config.ts) uses `zod` itself;
 * both build on the same zod core, so its schemas embed these.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());

export * from 'zod/mini';
