// What the editor tests read from the extension's run panel (a webview): the text of a finished run.

import type { Frame } from 'playwright-core';
import type { Editor } from './harness';

/** The run panel's frame and its text once it shows the run numbered `runId` finished. */
export async function finishedRun(editor: Editor, runId: number): Promise<{ panel: Frame; text: string }> {
  const panel = await editor.webviewFrame('#cloudfn-run-panel');
  const text = await editor.waitFor(`run #${runId} to finish in the run panel`, async () => {
    const selected = await panel.locator('.history-item.selected').getAttribute('data-run-id', { timeout: 1000 }).catch(() => null);
    const shown = await panel.locator('#run').innerText().catch(() => '');
    return selected === String(runId) && /Succeeded|Failed/.test(shown) && shown;
  }, { timeoutMs: 90_000 });
  return { panel, text };
}
