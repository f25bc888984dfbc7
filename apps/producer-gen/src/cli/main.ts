#!/usr/bin/env node
// producer-gen: synthetic Kafka workloads at a chosen rate and shape (`run`), an HTTP ingest
// gateway (`serve`), and the sequence verifier that proves nothing was lost (`verify`).
import { Command } from 'commander';
import { registerRunCommand } from './run-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerVerifyCommand } from './verify-command.js';

const program = new Command('producer-gen')
  .description('Produce synthetic workloads to Kafka, ingest records over HTTP, and verify sequences')
  .showHelpAfterError()
  .addHelpText('after', '\nEvery option can also be set by the environment variable shown with it. Kafka connection settings (TLS, SASL, timeouts) are env-only: see the README.');
registerRunCommand(program);
registerServeCommand(program);
registerVerifyCommand(program);
await program.parseAsync(process.argv);
