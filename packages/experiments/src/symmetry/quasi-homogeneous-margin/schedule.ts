/** Steps 0..total at which to log: `points` steps spread evenly in log(step + 1), always with 0 and total. */
export function logSteps(total: number, points: number): Set<number> {
  const out = new Set<number>([0, total]);
  for (let i = 0; i < points; i++) out.add(Math.round(Math.expm1((Math.log1p(total) * i) / (points - 1))));
  return out;
}

/** Steps 0..total at which to log: `points` evenly spaced steps, with 0 and total. */
export function linearSteps(total: number, points: number): Set<number> {
  const out = new Set<number>([0, total]);
  for (let i = 0; i < points; i++) out.add(Math.round((total * i) / (points - 1)));
  return out;
}
