#!/usr/bin/env node
'use strict';
/**
 * The `optline` command (package.json "bin"). Registers tsx's CommonJS hook, then runs
 * cli/optline.ts. Paths are resolved from this file, so it works from any working directory.
 */
const { join } = require('node:path');

require('tsx/cjs');
const { main } = require(join(__dirname, '..', 'cli', 'optline.ts'));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
