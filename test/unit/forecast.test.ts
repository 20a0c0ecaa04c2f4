import { describe, expect, it } from 'vitest';
import { estimate, MIN_SAMPLES, type OpenStepFacts, type StepSample } from '../../domain/forecast/estimate.js';
import { buildModel, forecastDossier, replayAt, type DossierRecord, type FinishedDossier, type OpenDossier } from '../../domain/forecast/model.js';
import { fitCalibration, fitFromPoints, isotonic, MIN_POINTS, platt } from '../../domain/forecast/calibration.js';
import { createWorkingCalendar, nationalCalendarConfig } from '../../domain/deadlines/calendar/index.js';

/**
 * The lateness estimate (domain/forecast/estimate.ts) on small histories whose answers are worked out by
 * hand in the comments, then the same through the working calendar (domain/forecast/model.ts): default
 * hours, morning 07:30–11:30 and afternoon 13:30–17:00; a duration counts the working half-days that start
 * inside it.
 */

const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const s = (stepDays: number, restDays: number, queueAhead = 0): StepSample => ({ stepDays, restDays, queueAhead });
const FOUR = [s(1, 2), s(1, 3), s(2, 5), s(2, 6)];
const open = (o: Partial<OpenStepFacts>): OpenStepFacts => ({
  elapsedDays: 0,
  daysLeft: 4,
  queueAhead: 0,
  stepDueDaysLeft: null,
  stepDueAfterAppointment: false,
  ...o,
});

describe('estimate: the empirical distribution of the remaining working days', () => {
  it('needs four samples at a level', () => {
    expect(MIN_SAMPLES).toBe(4);
  });

  it('4 finished runs taking 2, 3, 5 and 6 days to the result, 4 days left: 2 of 4 late = 0.5, median 3', () => {
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({}))).toEqual({ probability: 0.5, remainingDays: 3, basis: 'unit', samples: 4, queueFactor: 1 });
  });

  it('with 3 days left a run of 3 still ends on the appointment day: 2 of 4; with 2.5 days left, 3 of 4', () => {
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ daysLeft: 3 })).probability).toBe(0.5);
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ daysLeft: 2.5 })).probability).toBe(0.75);
  });

  it('a step that has run 1.5 days outlived two runs only: each run’s rest after its step plus half a day (1.5, 2.5, 3.5, 4.5): 1 of 4 over 4 days', () => {
    // only the runs of 2 days lasted >= 1.5 (fewer than 4): overrun, 0.5 + (rest - step) = 0.5+1, 0.5+2, 0.5+3, 0.5+4
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ elapsedDays: 1.5 }))).toMatchObject({ probability: 0.25, remainingDays: 2.5, samples: 4 });
  });

  it('a step that has run 1 day: the four runs lasted at least that, each minus the day elapsed (1, 2, 4, 5): 1 of 4 over 4 days', () => {
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ elapsedDays: 1 }))).toMatchObject({ probability: 0.25, remainingDays: 2 });
  });

  it('3 tasks ahead where the history had none: the step part is stretched 3 times (capped at 3): 4, 5, 9, 10 → 3 of 4 over 4', () => {
    // (1+3)/(1+0) = 4, capped at 3; step*3 + (rest - step): 3+1, 3+2, 6+3, 6+4
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ queueAhead: 3 }))).toEqual({
      probability: 0.75,
      remainingDays: 5,
      basis: 'unit',
      samples: 4,
      queueFactor: 3,
    });
  });

  it('a queue shorter than usual shortens the step: history queue 1, none now: factor 0.5', () => {
    const withQueue = FOUR.map((x) => ({ ...x, queueAhead: 1 }));
    // step*0.5 + (rest - step): 0.5+1, 0.5+2, 1+3, 1+4 → over 3 days: 4 and 5
    expect(estimate({ unit: withQueue, procedure: withQueue }, open({ daysLeft: 3 }))).toMatchObject({
      probability: 0.5,
      queueFactor: 0.5,
      remainingDays: 2.5,
    });
  });

  it('three runs in the unit: the procedure’s runs in every unit', () => {
    expect(estimate({ unit: FOUR.slice(0, 3), procedure: [...FOUR, s(1, 1)] }, open({}))).toMatchObject({ basis: 'procedure', samples: 5, probability: 0.4 });
  });

  it('no history: the drawn limits, late exactly when the step is due after the appointment', () => {
    expect(estimate({ unit: [], procedure: [] }, open({ stepDueDaysLeft: 6, stepDueAfterAppointment: true }))).toEqual({
      probability: 1,
      remainingDays: 6,
      basis: 'drawn',
      samples: 0,
      queueFactor: 1,
    });
    expect(estimate({ unit: [], procedure: [s(1, 1)] }, open({ stepDueDaysLeft: 2 }))).toMatchObject({ probability: 0, remainingDays: 4, basis: 'drawn' });
  });
});

describe('the forecast of a dossier on the calendar (March–April 2026, ordinary weeks)', () => {
  const cal = createWorkingCalendar(nationalCalendarConfig());
  // Four dossiers, one a week, step "ThamDinh" started on Monday 07:30:
  //   week of 2/3: step ended Mon 16:00 (Mon am+pm = 1 day), result Tue 10:00 (+ Tue am = 1.5)
  //   week of 9/3: step ended Tue 10:00 (1.5), result Wed 14:00 (Tue pm, Wed am, Wed pm = 3)
  //   week of 16/3: step ended Wed 09:00 (2.5), result Thu 16:00 (4)
  //   week of 23/3: step ended Thu 09:00 (3.5), result Mon 30/3 09:00 (Thu, Fri, Mon am = 5.5)
  const week = (mon: string, tue: string, wed: string, thu: string, nextMon: string): FinishedDossier[] => [
    {
      procedureCode: 'P',
      readyAt: vn(`${tue} 10:00`),
      pauses: [],
      steps: [{ stepId: 'ThamDinh', unitCode: null, startedAt: vn(`${mon} 07:30`), endedAt: vn(`${mon} 16:00`) }],
    },
    {
      procedureCode: 'P',
      readyAt: vn(`${wed} 14:00`),
      pauses: [],
      steps: [{ stepId: 'ThamDinh', unitCode: null, startedAt: vn(`${mon} 07:30`), endedAt: vn(`${tue} 10:00`) }],
    },
    {
      procedureCode: 'P',
      readyAt: vn(`${thu} 16:00`),
      pauses: [],
      steps: [{ stepId: 'ThamDinh', unitCode: null, startedAt: vn(`${mon} 07:30`), endedAt: vn(`${wed} 09:00`) }],
    },
    {
      procedureCode: 'P',
      readyAt: vn(`${nextMon} 09:00`),
      pauses: [],
      steps: [{ stepId: 'ThamDinh', unitCode: null, startedAt: vn(`${mon} 07:30`), endedAt: vn(`${thu} 09:00`) }],
    },
  ];
  const all = week('2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-09');
  const history: FinishedDossier[] = [
    all[0],
    week('2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-16')[1],
    week('2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-23')[2],
    week('2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-30')[3],
  ];
  const model = buildModel(cal, history);

  it('counts each run in working days, with no queue (each ended before the next started)', () => {
    expect(model.byUnit.get('P\u0000ThamDinh\u0000')).toEqual([s(1, 1.5), s(1.5, 3), s(2.5, 4), s(3.5, 5.5)]);
  });

  const openDossier = (queueAhead: number): OpenDossier => ({
    procedureCode: 'P',
    appointmentAt: vn('2026-04-16 17:00'),
    pauses: [],
    steps: [
      { taskId: '1', stepId: 'ThamDinh', stepName: 'Thẩm định', unitCode: null, startedAt: vn('2026-04-13 07:30'), dueAt: null, holder: null, queueAhead },
    ],
  });

  it('Tue 14/4 07:30, step begun Mon 13/4 07:30 (1 day), appointment Thu 16/4: 3 days left; rests 0.5, 2, 3, 4.5: 1 of 4 late, finishing Wed 15/4', () => {
    const f = forecastDossier(cal, model, openDossier(0), vn('2026-04-14 07:30'));
    expect(f).toMatchObject({ probability: 0.25, expectedDay: '2026-04-15', basis: 'unit', samples: 4 });
  });

  it('the same with 2 tasks ahead: (step - 1) × 3 + (rest - step) = 0.5, 3, 6, 9.5: 2 of 4 late', () => {
    const f = forecastDossier(cal, model, openDossier(2), vn('2026-04-14 07:30'));
    expect(f).toMatchObject({ probability: 0.5, queueFactor: 3 });
  });

  it('a dossier already past its appointment is late for sure', () => {
    expect(forecastDossier(cal, model, openDossier(0), vn('2026-04-17 08:00')).probability).toBe(1);
  });
});

describe('the later steps stretched by the queue too (a variant the bench measures)', () => {
  it('3 tasks ahead, factor 3 on the step and on the rest: 3+3, 3+6, 6+9, 6+12 → every run over 4 days', () => {
    expect(estimate({ unit: FOUR, procedure: FOUR }, open({ queueAhead: 3 }), { queueOnRest: true })).toMatchObject({
      probability: 1,
      remainingDays: 9,
      queueFactor: 3,
    });
  });
});

describe('replaying a past date from the records (nothing recorded after it is used)', () => {
  const cal = createWorkingCalendar(nationalCalendarConfig());
  const rec = (o: Partial<DossierRecord> & { receivedAt: Date; appointmentAt: Date }): DossierRecord => ({
    procedureCode: 'P',
    readyAt: null,
    closedAt: null,
    pauses: [],
    steps: [],
    ...o,
  });
  // Monday 6/4/2026 10:00 is the replayed date; Friday 17/4 17:00 the moment the outcome is read.
  const at = vn('2026-04-06 10:00');
  const knownAt = vn('2026-04-17 17:00');
  const records: DossierRecord[] = [
    // finished before: history
    rec({
      receivedAt: vn('2026-03-30 08:00'),
      appointmentAt: vn('2026-04-03 17:00'),
      readyAt: vn('2026-04-02 15:00'),
      steps: [{ stepId: 'A', unitCode: null, startedAt: vn('2026-03-30 08:00'), endedAt: vn('2026-04-02 15:00') }],
    }),
    // open at `at`, first in the queue of A, finished after its appointment day (9/4): late
    rec({
      receivedAt: vn('2026-04-01 08:00'),
      appointmentAt: vn('2026-04-09 17:00'),
      readyAt: vn('2026-04-10 09:00'),
      steps: [{ stepId: 'A', unitCode: null, startedAt: vn('2026-04-01 08:00'), endedAt: vn('2026-04-10 09:00') }],
    }),
    // open at `at`, second in the queue, finished on time
    rec({
      receivedAt: vn('2026-04-02 08:00'),
      appointmentAt: vn('2026-04-10 17:00'),
      readyAt: vn('2026-04-08 09:00'),
      steps: [{ stepId: 'A', unitCode: null, startedAt: vn('2026-04-02 08:00'), endedAt: vn('2026-04-08 09:00') }],
    }),
    // open at `at`, not finished by 17/4 with its appointment on 15/4: late, though its result came later
    rec({
      receivedAt: vn('2026-04-03 08:00'),
      appointmentAt: vn('2026-04-15 17:00'),
      readyAt: vn('2026-04-20 09:00'),
      steps: [{ stepId: 'A', unitCode: null, startedAt: vn('2026-04-03 08:00'), endedAt: null }],
    }),
    // open at `at`, appointment after 17/4 and no result by then: unknown
    rec({
      receivedAt: vn('2026-04-03 09:00'),
      appointmentAt: vn('2026-04-24 17:00'),
      steps: [{ stepId: 'A', unitCode: null, startedAt: vn('2026-04-03 09:00'), endedAt: null }],
    }),
    // paused at `at` (supplement): not open for the forecast
    rec({ receivedAt: vn('2026-04-03 10:00'), appointmentAt: vn('2026-04-13 17:00'), pauses: [{ from: vn('2026-04-03 11:00'), to: null }] }),
    // received after `at`: not there
    rec({ receivedAt: vn('2026-04-07 08:00'), appointmentAt: vn('2026-04-14 17:00'), readyAt: vn('2026-04-08 08:00') }),
  ];

  it('one finished dossier, four open ones with their queue and their outcome as known on 17/4', () => {
    const r = replayAt(records, at, knownAt);
    expect(r.finished).toHaveLength(1);
    expect(r.open.map((o) => o.late)).toEqual([true, false, true, null]);
    expect(r.open.map((o) => o.dossier.steps.map((s) => s.queueAhead))).toEqual([[0], [1], [2], [3]]);
  });

  it('read on 9/4 instead, the same dossiers are unknown, on time (result 8/4) and unknown', () => {
    const r = replayAt(records, at, vn('2026-04-09 12:00'));
    expect(r.open.map((o) => o.late)).toEqual([null, false, null, null]);
  });

  it('a finished step that ends after the replayed date is open then', () => {
    const r = replayAt(records, vn('2026-04-01 10:00'), knownAt);
    expect(r.finished).toHaveLength(0);
    expect(r.open.map((o) => o.dossier.steps.length)).toEqual([1, 1]);
  });

  it('recalibration needs enough replayed dossiers: with these few, none (the raw probability is shown)', () => {
    expect(fitCalibration(cal, records, knownAt)).toMatchObject({ calibrate: null });
  });
});

describe('the recalibration maps', () => {
  const pts = (p: number, late: number, total: number) => Array.from({ length: total }, (_, i) => ({ p, late: i < late }));

  it('isotonic: raw 0.1 late 4 of 10, raw 0.3 late 6 of 10, raw 0.6 late 9 of 10, each pulled to raw by 2 pseudo-dossiers', () => {
    const f = isotonic([...pts(0.1, 4, 10), ...pts(0.3, 6, 10), ...pts(0.6, 9, 10)]);
    // (4 + 2·0.1)/12 = 0.35, (6 + 0.6)/12 = 0.55, (9 + 1.2)/12 = 0.85
    expect(f(0.1)).toBeCloseTo(0.35, 6);
    expect(f(0.3)).toBeCloseTo(0.55, 6);
    expect(f(0.6)).toBeCloseTo(0.85, 6);
    // between the centres, a straight line; outside them, the end values
    expect(f(0.2)).toBeCloseTo(0.45, 6);
    expect(f(0)).toBeCloseTo(0.35, 6);
    expect(f(1)).toBeCloseTo(0.85, 6);
  });

  it('isotonic pools a decreasing pair: raw 0.2 late 8 of 10 then raw 0.4 late 2 of 10 → one block at 0.3, late 0.5', () => {
    const f = isotonic([...pts(0.2, 8, 10), ...pts(0.4, 2, 10)], 0);
    expect(f(0.2)).toBeCloseTo(0.5, 6);
    expect(f(0.4)).toBeCloseTo(0.5, 6);
  });

  it('Platt: raw probabilities that are right stay about where they are; too low ones are raised', () => {
    const right = platt([...pts(0.2, 20, 100), ...pts(0.8, 80, 100)])!;
    expect(right(0.2)).toBeCloseTo(0.2, 2);
    expect(right(0.8)).toBeCloseTo(0.8, 2);
    const low = platt([...pts(0.1, 30, 100), ...pts(0.4, 70, 100)])!;
    expect(low(0.1)).toBeCloseTo(0.3, 2);
    expect(low(0.4)).toBeCloseTo(0.7, 2);
  });

  it('Platt never reverses the order: pairs where the higher raw probability is late less often give no map', () => {
    expect(platt([...pts(0.1, 60, 100), ...pts(0.6, 20, 100)])).toBeNull();
    expect(fitFromPoints([...pts(0.1, 60, 100), ...pts(0.6, 20, 100)]).calibrate).toBeNull();
  });

  it('fewer than 100 pairs, or no late ones: no map', () => {
    expect(MIN_POINTS).toBe(100);
    expect(fitFromPoints([...pts(0.3, 10, 50), ...pts(0.6, 10, 49)]).calibrate).toBeNull();
    expect(fitFromPoints(pts(0.3, 0, 200)).calibrate).toBeNull();
    expect(fitFromPoints([...pts(0.3, 10, 50), ...pts(0.6, 10, 50)]).calibrate).not.toBeNull();
  });
});
