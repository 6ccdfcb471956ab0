/**
 * STW302 not-worth-automating: development + maintenance over the horizon exceed the manual time
 * the automation saves. The message shows both figures and the break-even number of runs.
 */
import { defineRule } from '../rule.js';

export default defineRule('STW302', (ctx) => {
  const e = ctx.workflow.economics;
  if (
    !e ||
    e.runsPerYear === undefined ||
    e.manualMinutesPerRun === undefined ||
    e.developmentHours === undefined
  ) {
    return; // STW301 asks for the figures
  }
  // Missing maintenance means none; a missing horizon is read as one year (STW301 reports both).
  const maintenance = e.maintenanceHoursPerYear ?? 0;
  const horizon = e.horizonYears ?? 1;
  if (horizon <= 0) return;
  const savedHours = (e.runsPerYear * e.manualMinutesPerRun * horizon) / 60;
  const costHours = e.developmentHours + maintenance * horizon;
  if (costHours <= savedHours) return;
  const saved =
    `${fmt(e.runsPerYear)} runs/year × ${fmt(e.manualMinutesPerRun)} min × ${fmt(horizon)} ` +
    `year${horizon === 1 ? '' : 's'} = ${fmt(savedHours)} h saved`;
  const cost =
    `${fmt(e.developmentHours)} h development + ${fmt(maintenance)} h/year maintenance × ` +
    `${fmt(horizon)} = ${fmt(costHours)} h spent`;
  const breakEven =
    e.manualMinutesPerRun > 0
      ? `It breaks even at ${fmt(Math.ceil((costHours * 60) / (e.manualMinutesPerRun * horizon)))} ` +
        `runs/year (now ${fmt(e.runsPerYear)}).`
      : `It never breaks even: a run saves no manual minutes.`;
  ctx.report(
    ['economics'],
    `Automating does not pay off over the horizon: ${saved}, but ${cost}. ${breakEven} ` +
      `Cut the scope or the maintenance, or say why it is worth it anyway in a suppression reason.`,
    'key',
  );
});

/** At most one decimal, without trailing zeros. */
function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
