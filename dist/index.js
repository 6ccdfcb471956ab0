// The action, as action.yml runs it.
import { runAction } from './stowage.js';

runAction();
