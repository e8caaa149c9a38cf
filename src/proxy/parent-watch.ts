// Preloaded (node -r) into the embedded resplit-server processes: their stdin is a pipe from the
// proxy, so when the proxy process ends for any reason (even kill -9) the pipe closes and the server
// shuts down cleanly through its own SIGTERM handler instead of lingering as an orphan on the ports.

if (process.env.RESPLIT_EXIT_WITH_PARENT === '1') {
  const stdin = process.stdin;
  stdin.on('error', () => undefined);
  stdin.on('data', () => undefined);
  stdin.once('end', () => process.kill(process.pid, 'SIGTERM'));
  stdin.once('close', () => process.kill(process.pid, 'SIGTERM'));
}
