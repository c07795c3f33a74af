#!/usr/bin/env node
'use strict';
require('../dist/worker-manager.js').runCli(process.argv.slice(2));
