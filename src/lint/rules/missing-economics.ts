/** STW301 missing-economics: no runs/time figures to judge the automation by. */
import type { Economics } from '../../workflow/model.js';
import { defineRule } from '../rule.js';

/** Each figure with its spec key, in the order the docs list them. */
export const ECONOMICS_FIGURES: readonly { field: keyof Economics; key: string }[] = [
  { field: 'runsPerYear', key: 'runs-per-year' },
  { field: 'manualMinutesPerRun', key: 'manual-minutes-per-run' },
  { field: 'developmentHours', key: 'development-hours' },
  { field: 'maintenanceHoursPerYear', key: 'maintenance-hours-per-year' },
  { field: 'horizonYears', key: 'horizon-years' },
];

export default defineRule('STW301', (ctx) => {
  const economics = ctx.workflow.economics;
  if (!economics) {
    ctx.reportMissing(
      ['economics'],
      `Workflow "${ctx.workflow.name}" gives no \`economics:\`, so nobody can tell whether ` +
        `automating it pays off. Add runs-per-year, manual-minutes-per-run, development-hours, ` +
        `maintenance-hours-per-year and horizon-years.`,
    );
    return;
  }
  const missing = ECONOMICS_FIGURES.filter(
    ({ field, key }) => economics[field] === undefined && !ctx.isInvalid(['economics', key]),
  );
  if (missing.length === 0) return;
  ctx.report(
    ['economics'],
    `\`economics:\` lacks ${missing.map((m) => m.key).join(', ')}; without ` +
      `${missing.length === 1 ? 'it' : 'them'} the time saved cannot be weighed against the ` +
      `cost of automating. Add ${missing.length === 1 ? 'it' : 'them'}.`,
    'key',
  );
});
