/**
 * A bounded heap for large workflows. Planning a 100,000-step spec keeps ~300 MB live but makes
 * garbage fast, and V8's default growth lets the heap reach 4× the live size between full
 * collections (1.6 GB peak here). Growing by half instead keeps the peak under 1 GB for ~5% more
 * time (bench/action.ts). The flag is read at each collection, so setting it at start-up works;
 * it is process-wide, hence only in the two entry points.
 */
import { setFlagsFromString } from 'node:v8';

export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
