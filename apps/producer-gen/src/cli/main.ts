#!/usr/bin/env node
// producer-gen: synthetic Kafka workloads at a chosen rate and shape (`run`), an HTTP ingest
// gateway (`serve`), and the sequence verifier that proves nothing was lost (`verify`).
import { Command } from 'commander';
import { configureCliHelp, ENV_HELP } from '@lagscale/kafka-core';
import { registerRunCommand } from './run-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerVerifyCommand } from './verify-command.js';

const program = configureCliHelp(new Command('producer-gen')
  .description('Produce synthetic workloads to Kafka, ingest records over HTTP, and verify sequences')
  .addHelpText('after', ENV_HELP));
registerRunCommand(program);
registerServeCommand(program);
registerVerifyCommand(program);
await program.parseAsync(process.argv);
