import { fmt } from './lib.js';

/**
 * What a province needs at its busiest hour, from the CPU one human task cost in a run. The
 * assumptions are constants here so that every run recomputes the figures from its own measurements:
 *
 *   human tasks per year      = dossiers per year × human steps per dossier
 *   tasks per second, average = tasks per year / (working days × working hours × 3600)
 *   tasks per second, peak    = average × peak factor
 *   cores busy at the peak    = peak tasks per second × CPU ms per task / 1000
 *   cores to provision        = cores busy / target utilisation
 */
export const PROVINCE = {
  /** dossiers a year (hồ sơ TTHC of a large province, all levels) */
  dossiersPerYear: 10_000_000,
  /**
   * human steps per dossier: the benchmark's five-step procedure; the bundled one-stop procedures
   * (processes/mc-*.bpmn) have 2 to 5 human steps, so 5 is the upper end
   */
  stepsPerDossier: 5,
  /** working days a year: 261 weekdays less the 11 days of public holidays (Labour Code 2019 Art. 112) */
  workingDaysPerYear: 250,
  /** 1 working day = 8 working hours ("tính mỗi ngày 08 giờ làm việc", the domain rules on hours and days) */
  workingHoursPerDay: 8,
  /**
   * busiest hour / average working hour: 2 for the busiest days (month and year ends, the days before a
   * holiday) × 1.5 for the busiest hour of such a day (mornings)
   */
  peakFactor: 3,
  /** the share of a core's time one may plan to use while keeping the next-task latency low */
  targetUtilisation: 0.6,
} as const;

export interface ProvinceNeeds {
  tasksPerYear: number;
  averageTasksPerSecond: number;
  peakTasksPerSecond: number;
  /** CPU seconds per second (cores) our processes spend at the busiest hour */
  busyCores: number;
  /** busyCores / targetUtilisation */
  provisionCores: number;
}

export function provinceNeeds(cpuMsPerTask: number, p: typeof PROVINCE = PROVINCE): ProvinceNeeds {
  const tasksPerYear = p.dossiersPerYear * p.stepsPerDossier;
  const averageTasksPerSecond = tasksPerYear / (p.workingDaysPerYear * p.workingHoursPerDay * 3600);
  const peakTasksPerSecond = averageTasksPerSecond * p.peakFactor;
  const busyCores = (peakTasksPerSecond * cpuMsPerTask) / 1000;
  return { tasksPerYear, averageTasksPerSecond, peakTasksPerSecond, busyCores, provisionCores: busyCores / p.targetUtilisation };
}

/** The report's section: assumptions, the formula and one line per measured configuration (label → CPU ms per task). */
export function provinceSection(measured: { label: string; cpuMsPerTask: number; recordsPerTask?: number }[]): string[] {
  const p = PROVINCE;
  const n = provinceNeeds(1, p);
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  return [
    `### A province of ${int(p.dossiersPerYear)} dossiers a year at its busiest hour (computed from this run's CPU per task)`,
    '',
    `Assumptions (bench/capacity.ts): ${p.stepsPerDossier} human steps per dossier (the benchmark's procedure; the bundled one-stop procedures have 2–5), ${p.workingDaysPerYear} working days a year (261 weekdays less 11 public holidays), ${p.workingHoursPerDay} working hours a day, busiest hour = ${p.peakFactor} × the average working hour (2 for the busiest days × 1.5 for the busiest hour), cores planned at ${fmt(p.targetUtilisation * 100, 0)} % use.`,
    '',
    `Human tasks a year = ${int(p.dossiersPerYear)} × ${p.stepsPerDossier} = ${int(n.tasksPerYear)}; average = ${int(n.tasksPerYear)} / (${p.workingDaysPerYear} × ${p.workingHoursPerDay} × 3600 s) = ${fmt(n.averageTasksPerSecond, 2)} tasks/s; busiest hour = × ${p.peakFactor} = ${fmt(n.peakTasksPerSecond, 1)} tasks/s (${int(n.peakTasksPerSecond * 3600)} tasks in that hour).`,
    '',
    '| configuration | CPU per task (ours) | cores busy at the busiest hour | cores to provision | exported records in that hour |',
    '|---|---:|---:|---:|---:|',
    ...measured.map((m) => {
      const x = provinceNeeds(m.cpuMsPerTask, p);
      return `| ${m.label} | ${fmt(m.cpuMsPerTask, 1)} ms | ${fmt(x.busyCores, 2)} | ${fmt(x.provisionCores, 2)} | ${m.recordsPerTask !== undefined ? int(x.peakTasksPerSecond * 3600 * m.recordsPerTask) : '—'} |`;
    }),
    '',
    'Cores busy = busiest-hour tasks/s × CPU ms per task / 1000 (broker, Node and PostgreSQL together, as measured on this machine); to provision = busy / planned use. Not counted: the automated steps of a real procedure (status, result, notices: service-task jobs, cheaper than a human step), citizens’ portal traffic, reports and exports, backups; the next-task latency at that load is not predicted by this arithmetic.',
    '',
  ];
}
