// Number formatting of the benchmark report: "–" for missing values, ratios as percentages, target marks.
export const fmt = (n: number | undefined, digits = 2) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
export const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${(n * 100).toFixed(0)}%`);
export const mark = (pass: boolean | undefined) => (pass === undefined ? '?' : pass ? '✓' : '✗');
