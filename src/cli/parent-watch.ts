// Run from source under tsx, continuity is a child of the tsx process. tsx
// killed with SIGKILL (a cancelled CI job) forwards nothing: the child would go
// on as an orphan and race the next run on the same history. So it stops
// itself, as on SIGTERM, once its parent is gone. (Under npm, bin/continuity.js
// does the same; a daemon started with nohup is neither and outlives its shell.)
const CHECK_INTERVAL_MS = 500;

/** True when tsx's loader runs this process. */
function underTsx(): boolean {
  return process.execArgv.some((arg) => /[\\/]tsx[\\/]/.test(arg));
}

export function stopWhenWrapperDies(): void {
  if (!underTsx()) return;
  const parent = process.ppid;
  // Reparented (to init or a subreaper): the wrapper is gone.
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, CHECK_INTERVAL_MS);
  timer.unref();
}
