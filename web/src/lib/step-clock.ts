import type { StepTimeLimit } from '../../../api/schemas/task-extras.js';

/** The overlay service of a bpmn-js viewer, as far as the clock needs it. */
interface Overlays {
  add(elementId: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): unknown;
}

/**
 * A small clock on each step that has a time limit, at the step's top-right corner: the words say the
 * limit ("⏱ 5 ngày", and in full for screen readers and on hover), so the drawing needs no timer boxes.
 */
export function markTimeLimits(
  overlays: Overlays,
  has: (elementId: string) => boolean,
  limits: StepTimeLimit[],
  text: (workingDays: number) => { short: string; full: string },
): void {
  for (const limit of limits) {
    if (!has(limit.elementId)) continue;
    const { short, full } = text(limit.workingDays);
    const badge = document.createElement('span');
    badge.className = 'step-clock';
    badge.dataset.element = limit.elementId;
    badge.title = full;
    badge.setAttribute('role', 'img');
    badge.setAttribute('aria-label', full);
    badge.textContent = `⏱ ${short}`;
    overlays.add(limit.elementId, 'step-clock', { position: { top: -10, right: 14 }, html: badge });
  }
}
