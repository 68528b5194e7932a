// Under a wrapper (tsx, npx, npm exec) continuity runs as a child process. A
// wrapper killed with SIGKILL (a cancelled CI job) forwards nothing: the child
// would go on as an orphan and race the next run on the same history. So a
// child of a wrapper stops itself, as on SIGTERM, once its parent is gone.
const CHECK_INTERVAL_MS = 500;

/** True when started by a wrapper that may die without forwarding a signal. */
function underWrapper(): boolean {
  return process.env.npm_command !== undefined || process.execArgv.some((arg) => /[\\/]tsx[\\/]/.test(arg));
}

export function stopWhenWrapperDies(): void {
  if (!underWrapper()) return;
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
