#!/usr/bin/env node
// The command line, run from the sources (the bundle's entry is dist/cli/index.js: see src/bundle.ts).
import { runCli } from './run-cli.js';

runCli();
