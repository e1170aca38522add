// CPU accounting for the benchmark: what the whole machine was busy with, to tell how much other work distorted a run.
import { readFileSync } from 'node:fs';

/** Busy CPU time of the whole machine so far (Linux /proc/stat; undefined elsewhere), µs. */
export interface MachineCpu {
  busyUs: number;
}

export function machineCpu(): MachineCpu | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
    return { busyUs: ((user + nice + system + irq + softirq + steal) * 1e6) / 100 }; // USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}
