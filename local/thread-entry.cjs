'use strict';
// Entry of the local runtime's worker threads: TypeScript support (tsx), then the module named in
// workerData.entry. Plain CommonJS because a worker thread starts without the parent's loaders.
const { workerData } = require('node:worker_threads');
require('tsx/cjs/api').register();
require(workerData.entry);
