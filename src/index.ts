// The action, run from the sources (the bundle's entry is dist/index.js: see src/bundle.ts).
import { runAction } from './bundle.js';

runAction();
