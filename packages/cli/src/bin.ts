#!/usr/bin/env node
import { commands } from './commands/index.js';
import { runAsProcess } from './process-io.js';

await runAsProcess(commands);
