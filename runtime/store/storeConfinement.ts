// Whether this process writes the database from inside the runtime process's confinement (Node's permission
// model, runtime/cocobase/confinement.ts). Such a process may open the database's own files but may not fsync
// them, look at their folder or at other processes. So there the store writes its files with O_DSYNC (each
// write is durable when it returns), and hands what needs the folder or other processes to its supervisor
// (runtime/cocobase/runtimeProcess.ts): syncing the folder after a save, removing a folded journal, releasing
// the write lock after both, listing leftovers, and breaking the locks of dead processes.

import fs from 'node:fs';

let confined = false;

/** Called once by the confined runtime process, before it opens the store. */
export function confineStore(): void {
  confined = true;
}

export function storeConfined(): boolean {
  return confined;
}

/** Flags added when opening a file the store writes: O_DSYNC in the confined process, where fsync is refused. */
export function writeThroughFlags(): number {
  return confined ? (fs.constants.O_DSYNC ?? 0) : 0;
}

/** Makes a written file durable: fsync, or nothing in the confined process (its writes were O_DSYNC). */
export function syncFile(fd: number): void {
  if (!confined) fs.fsyncSync(fd);
}

/**
 * What a save in the confined process leaves to the supervisor, in this order: sync the database's folder,
 * remove the journal a checkpoint folded into the file (after the sync, so the new file is durable first),
 * then release the write lock that the save still holds (so no other writer starts before both).
 */
export interface SaveHandOff {
  /** The token of the write lock that is still held. */
  lockToken: string;
  removeJournal: boolean;
}
