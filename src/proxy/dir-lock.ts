// The embedded stack's data directory lock: two stacks on one directory would each save over the
// other's snapshots, so the directory holds the pid of the resplit using it (resplit.pid) while it runs.

import fs from 'node:fs';
import path from 'node:path';

/** The file that marks an embedded data directory as one running stack's. */
function lockPath(dir: string): string {
  return path.resolve(dir, 'resplit.pid');
}

/**
 * Claims the data directory for this process: two stacks on one directory would each save over the
 * other's snapshots. A lock left by a process that is gone (killed with -9) is taken over.
 */
export function takeDirLock(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`embedded-dir: cannot create ${dir}: ${(err as Error).message}`);
  }
  const file = lockPath(dir);
  let holder = 0;
  try {
    holder = Number(fs.readFileSync(file, 'latin1').trim()) || 0;
  } catch {
    // No lock yet.
  }
  if (holder > 0 && holder !== process.pid && alive(holder)) {
    throw new Error(`embedded-dir: ${path.resolve(dir)} is in use by another resplit (pid ${holder}); stop it or set embedded-dir to another directory`);
  }
  fs.writeFileSync(file, `${process.pid}\n`);
}

/** Gives the data directory back (only a lock that is still this process's). */
export function releaseDirLock(dir: string): void {
  try {
    if (Number(fs.readFileSync(lockPath(dir), 'latin1').trim()) === process.pid) fs.rmSync(lockPath(dir), { force: true });
  } catch {
    // Already gone.
  }
}

/** Whether a process exists (signal 0; EPERM: it exists under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
