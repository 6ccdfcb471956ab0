#!/usr/bin/env node
// The stowage command (package.json bin).
import { runCli } from '../stowage.js';

runCli();
