// The lines the run log ("cloudfn" output channel) shows per run: start, print() output, outcome. The
// grammar syntaxes/cloudfn-runlog.tmLanguage.json colours these markers.

import type { RunResult } from '../../runtime/cocobase/run';
import { pythonFailure } from './runPanel/errorTrace';

export function runStartLine(label: string, payloadName: string, user: string | null): string {
  return `▶ run ${label} · payload "${payloadName}" · user ${user ?? 'anonymous'}`;
}

export function outputLine(line: string): string {
  return `│ ${line}`;
}

export function runEndLine(label: string, result: RunResult): string {
  const time = `${result.execution_time.toFixed(1)} ms`;
  if (result.success) {
    const { created, updated, deleted } = result.changes;
    const status = result.status_code !== null ? ` · HTTP ${result.status_code}` : '';
    return `✔ ${label} succeeded in ${time}${status} · ${created} created, ${updated} updated, ${deleted} deleted`;
  }
  return `✘ ${label} failed in ${time} · ${pythonFailure(result, label, label).summary}`;
}
