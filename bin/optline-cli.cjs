#!/usr/bin/env node
'use strict';
/**
 * The `optline` command (package.json "bin"). In a checkout it runs cli/optline.ts through tsx's
 * CommonJS and ES module hooks (the CLI loads each command's module with import() when it runs); in
 * an installed package (`npm pack`), which carries no sources, it runs the copy compiled into dist/.
 * Paths are resolved from this file, so it works from any working directory.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

async function load() {
  const source = join(__dirname, '..', 'cli', 'optline.ts');
  if (!existsSync(source)) return require(join(__dirname, '..', 'dist', 'cli', 'optline.js'));
  require('tsx/cjs');
  const { register } = await import('tsx/esm/api');
  register();
  return require(source);
}

load()
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
