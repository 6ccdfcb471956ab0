import { run } from './action/main.js';
import { boundHeapGrowth } from './host/heap.js';

boundHeapGrowth();
void run();
