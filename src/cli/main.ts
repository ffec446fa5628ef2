#!/usr/bin/env node
/** Entry point of the `ccproxy` command: run the command tree, report failures as one line. */
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

buildProgram().parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = reportError(err, process.argv.includes('--debug'));
});
