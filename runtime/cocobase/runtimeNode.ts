// Which Node runs the Python runtime process, chosen once per supervising process. The Node running us when it
// has the permission model (the CLI, serve, code-server's extension host: a real Node ≥ 20); in desktop VS
// Code that is Electron, run as Node (ELECTRON_RUN_AS_NODE=1), used when it accepts the permission model too,
// else a system `node` ≥ 20 found on PATH that does; failing both, the Node running us without the model, and
// a warning that says so (the other layers of the sandbox still apply: README, "The sandbox").

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RuntimeNode {
  /** The executable to start. */
  execPath: string;
  /** It is Electron, which runs as Node only with ELECTRON_RUN_AS_NODE=1. */
  electron: boolean;
  /** The switch that turns the permission model on for this executable; undefined when it has none. */
  permissionFlag?: string;
  /** Why the process runs without the permission model (one line), when it does. */
  warning?: string;
}

let chosen: RuntimeNode | undefined;

/** The Node for the runtime process (probed once; later calls return the same choice). */
export function runtimeNode(): RuntimeNode {
  chosen ??= chooseRuntimeNode();
  return chosen;
}

function chooseRuntimeNode(): RuntimeNode {
  const electron = process.versions.electron !== undefined;
  if (!electron && majorVersion(process.versions.node) >= 20) {
    // Node's name of the switch: `--permission` from Node 22.13/23.5, before that experimental.
    const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
    return { execPath: process.execPath, electron, permissionFlag };
  }
  const ownFlag = permissionFlagOf(process.execPath, electron);
  if (ownFlag) return { execPath: process.execPath, electron, permissionFlag: ownFlag };
  const system = systemNode();
  if (system) return { execPath: system.execPath, electron: false, permissionFlag: system.flag };
  const runtime = electron ? `Electron ${process.versions.electron} (Node ${process.versions.node})` : `Node ${process.versions.node}`;
  return {
    execPath: process.execPath, electron,
    warning: `${runtime} has no permission model and no node >= 20 was found on PATH: Python runs without the runtime process's file-system and process confinement (the Python sandbox, the empty environment and the network lockdown still apply); install Node 20 or later to restore it`,
  };
}

function majorVersion(version: string): number {
  return Number(version.split('.')[0]);
}

/**
 * The permission switch that `execPath` accepts and applies (a started process that sees itself confined),
 * or undefined. Electron is asked to run as Node.
 */
function permissionFlagOf(execPath: string, electron: boolean): string | undefined {
  const probe = 'process.exit(process.permission && !process.permission.has("child") && Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 3)';
  for (const flag of ['--permission', '--experimental-permission']) {
    const result = spawnSync(execPath, [flag, '-e', probe], {
      env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}, stdio: 'ignore', timeout: 10_000, windowsHide: true,
    });
    if (result.status === 0) return flag;
  }
  return undefined;
}

/** A `node` on PATH (not the executable running us) that applies the permission model, and its switch. */
function systemNode(): { execPath: string; flag: string } | undefined {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  const own = realPath(process.execPath);
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!folder) continue;
    for (const name of names) {
      const candidate = path.join(folder, name);
      const real = realPath(candidate);
      if (!real || real === own || !isExecutable(real)) continue;
      const flag = permissionFlagOf(candidate, false);
      if (flag) return { execPath: candidate, flag };
    }
  }
  return undefined;
}

function realPath(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
