import type { Page } from 'playwright-core';

/** Driving the bpmn-js modeler page with a real mouse: palette, context pad, properties panel. */

export async function signInWithToken(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.evaluate((t) => localStorage.setItem('eiso.token', t), token);
}

export async function elementCenter(page: Page, elementId: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`.djs-element[data-element-id="${elementId}"]`).first().boundingBox();
  if (!box) throw new Error(`element ${elementId} is not on the canvas`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export async function selectedElementId(page: Page): Promise<string> {
  const id = await page.locator('.djs-element.selected').first().getAttribute('data-element-id');
  if (!id) throw new Error('nothing is selected');
  return id;
}

export async function selectElement(page: Page, elementId: string): Promise<void> {
  const { x, y } = await elementCenter(page, elementId);
  const selected = page.locator(`.djs-element.selected[data-element-id="${elementId}"]`);
  // After a tool finishes (create, connect) diagram-js swallows the next click: click again if needed.
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.mouse.click(x, y);
    try {
      await selected.waitFor({ timeout: 700 });
      return;
    } catch {
      // try again
    }
  }
  await selected.waitFor({ timeout: 2000 });
}

/** Picks a palette tool (e.g. "create.task") and places the new shape at a screen point; returns its id. */
export async function createFromPalette(page: Page, action: string, at: { x: number; y: number }): Promise<string> {
  await page.locator(`.djs-palette [data-action="${action}"]`).click();
  await page.mouse.move(at.x - 20, at.y - 10);
  await page.mouse.move(at.x, at.y, { steps: 5 });
  await page.mouse.click(at.x, at.y);
  const id = await selectedElementId(page);
  // bpmn-js opens the label editor on a new shape; leave it, keeping the selection.
  await page.keyboard.press('Escape');
  return id;
}

/** Uses the context pad's connect tool from one element to another. */
export async function connect(page: Page, fromId: string, toId: string): Promise<void> {
  await selectElement(page, fromId);
  await page.locator('.djs-context-pad [data-action="connect"]').click();
  const target = await elementCenter(page, toId);
  await page.mouse.move(target.x - 10, target.y, { steps: 5 });
  await page.mouse.move(target.x, target.y, { steps: 2 });
  await page.mouse.click(target.x, target.y);
}

/** Changes the selected element's type through the context pad's replace menu (e.g. "replace-with-user-task"). */
export async function replaceWith(page: Page, elementId: string, entryId: string): Promise<void> {
  await selectElement(page, elementId);
  await page.locator('.djs-context-pad [data-action="replace"]').click();
  await page.locator(`.djs-popup [data-id="${entryId}"]`).click();
}

/** Types into a properties panel entry (by entry id) and leaves it, so the debounced value is written. */
export async function fillPanelEntry(page: Page, entryId: string, value: string): Promise<void> {
  const input = page.locator(`#bio-properties-panel-${entryId}`);
  await input.fill(value);
  await input.press('Tab');
  await page.waitForTimeout(400);
}

/** Chooses an option of a select entry of the properties panel by its value. */
export async function selectPanelEntry(page: Page, entryId: string, value: string): Promise<void> {
  await page.locator(`#bio-properties-panel-${entryId}`).selectOption(value);
  await page.waitForTimeout(400);
}

/** The number of lint findings the page lists, by category. */
export async function lintCounts(page: Page): Promise<{ errors: number; warnings: number }> {
  const issues = page.getByTestId('lint-issue');
  const errors = await issues.and(page.locator('[data-category="error"]')).count();
  const all = await issues.count();
  return { errors, warnings: all - errors };
}
