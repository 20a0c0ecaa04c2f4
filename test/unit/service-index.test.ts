import { describe, expect, it } from 'vitest';
import {
  index766,
  rating,
  scoreAttitude,
  scoreBodies,
  scoreContacts,
  scoreDesk,
  scoreFeedback,
  scoreLegs,
  scoreOnline,
  scorePublication,
  scoreTotalTime,
} from '../../domain/onestop/service-index.js';

/** Issue 17 item 11: the nine indicators (vn-rules §5.1, 2 / 1 / 0 each), the rating, the QĐ 766 groups. */
describe('the nine indicators of a dossier', () => {
  it('1 and 2: total time and each agency’s time against their limits', () => {
    expect([scoreTotalTime('early'), scoreTotalTime('on_time'), scoreTotalTime('late')]).toEqual([2, 1, 0]);
    expect(scoreLegs(['early', 'early'], 'on_time')).toBe(2);
    expect(scoreLegs(['early', 'on_time'], 'early')).toBe(1);
    expect(scoreLegs(['early', 'late'], 'early')).toBe(0);
    // no leg with a limit of its own: the total decides
    expect(scoreLegs([], 'early')).toBe(2);
    expect(scoreLegs([], 'late')).toBe(0);
  });

  it('3 and 4: contacts to complete the dossier, bodies contacted', () => {
    expect([scoreContacts(0), scoreContacts(1), scoreContacts(2), scoreContacts(5)]).toEqual([2, 1, 0, 0]);
    expect(scoreBodies('online', 'post')).toBe(2);
    expect(scoreBodies('online', 'desk')).toBe(1);
    expect(scoreBodies('in_person', 'post')).toBe(1);
    expect(scoreBodies('postal', null)).toBe(1);
  });

  it('5, 6 and 7: the desk, publication, attitude', () => {
    expect(scoreDesk(3)).toBe(1);
    expect(scoreDesk(0)).toBe(0);
    expect(scorePublication(true)).toBe(1);
    expect(scorePublication(false)).toBe(0);
    expect(scoreAttitude('early', false)).toBe(2);
    expect(scoreAttitude('on_time', false)).toBe(1);
    expect(scoreAttitude('late', false)).toBe(1);
    expect(scoreAttitude('early', true)).toBe(0);
  });

  it('8: feedback handled on time: none or all 2, at least 90 % 1, less 0', () => {
    expect(scoreFeedback(0, 0)).toBe(2);
    expect(scoreFeedback(4, 4)).toBe(2);
    expect(scoreFeedback(10, 9)).toBe(1);
    expect(scoreFeedback(20, 17)).toBe(0); // 85 %
  });

  it('9: online service', () => {
    expect(scoreOnline({ onlineProceduresPct: 20, onlineDossiersPct: 30, onlineLate: 0 })).toBe(2);
    expect(scoreOnline({ onlineProceduresPct: 100, onlineDossiersPct: 29.9, onlineLate: 0 })).toBe(1);
    expect(scoreOnline({ onlineProceduresPct: 100, onlineDossiersPct: 15, onlineLate: 0 })).toBe(1);
    expect(scoreOnline({ onlineProceduresPct: 100, onlineDossiersPct: 14.9, onlineLate: 0 })).toBe(0);
    expect(scoreOnline({ onlineProceduresPct: 100, onlineDossiersPct: 80, onlineLate: 1 })).toBe(0);
    expect(scoreOnline({ onlineProceduresPct: 0, onlineDossiersPct: 0, onlineLate: 0 })).toBe(0);
  });
});

describe('the agency’s rating and the QĐ 766 index', () => {
  it('rates the mean of 18 points: > 15 excellent, 12 – 15 good, 9 – 12 fair, 6 – 9 average, < 6 weak', () => {
    expect([15.01, 15, 12, 11.99, 9, 8.99, 6, 5.99].map(rating)).toEqual(['xuat-sac', 'tot', 'tot', 'kha', 'kha', 'trung-binh', 'trung-binh', 'yeu']);
  });

  it('scores each group as its share times its points, and leaves out the groups without data', () => {
    const r = index766({
      procedures: 4,
      completeProcedures: 3, // 3/4 × 18 = 13.5
      finished: 10,
      finishedOnTime: 9, // 9/10 × 20 = 18
      received: 8,
      digitised: 2, // 2/8 × 22 = 5.5
      online: 4, // 4/8 × 22 = 11
      evaluations: 0, // no data: left out
      satisfied: 0,
    });
    expect(r.groups.map((g) => [g.key, g.points])).toEqual([
      ['cong-khai', 13.5],
      ['tien-do', 18],
      ['so-hoa', 5.5],
      ['truc-tuyen', 11],
      ['hai-long', null],
    ]);
    expect(r.points).toBe(48);
    expect(r.maxCounted).toBe(82);
  });
});
