/**
 * Reference collapse fractions of the quartic SDE (kunin-papers.md section 6.2, the team's numpy
 * run: mu = 1.5, Euler-Maruyama dt = 0.0025, 1000 paths, t = 100, collapsed = theta^2 < 1e-30).
 * These are Monte-Carlo numbers themselves (1000 paths), so claims compare with a binomial
 * tolerance that includes their sampling error.
 */
export const QUARTIC_REFERENCE = {
  mu: 1.5,
  dt: 0.0025,
  horizon: 100,
  eps: 1e-15,
  paths: 1000,
  table: [
    [0.5, 0],
    [1.0, 0],
    [1.5, 0],
    [1.6, 0.005],
    [1.9, 0.546],
    [2.0, 0.861],
    [2.5, 1.0],
  ] as const,
};
