#!/usr/bin/env node
'use strict';
/**
 * The `optline` command (package.json "bin"). In a checkout it runs cli/optline.ts through tsx's
 * CommonJS hook; in an installed package (`npm pack`), which carries no sources, it runs the copy
 * compiled into dist/. Paths are resolved from this file, so it works from any working directory.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'cli', 'optline.ts');
let main;
if (existsSync(source)) {
  require('tsx/cjs');
  ({ main } = require(source));
} else {
  ({ main } = require(join(__dirname, '..', 'dist', 'cli', 'optline.js')));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
