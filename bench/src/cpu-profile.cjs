// Preloaded (node --require) into the bench's bank-app when BENCH_PROFILE=1. The bench's 'start' message
// (over the IPC channel) starts V8's sampling CPU profiler; 'stop' writes the profile to
// $BENCH_PROFILE_FILE (Chrome DevTools .cpuprofile format), so it covers exactly one measured run.
// (`node --cpu-prof` writes only at a normal exit, and Nest re-raises SIGTERM, so it would never be
// written; signals are no use either: Nest's shutdown hooks listen to SIGUSR2 too.)
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();

process.on('message', (command) => {
  const file = process.env.BENCH_PROFILE_FILE;
  if (!file) return;
  if (command === 'start') {
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
    );
    return;
  }
  if (command !== 'stop') return;
  session.post('Profiler.stop', (error, result) => {
    // Written aside and renamed, so the bench never reads half a profile.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(error ? { error: String(error) } : result.profile));
    fs.renameSync(`${file}.tmp`, file);
  });
});
// The channel must not keep the app alive once Nest has shut down.
process.channel?.unref();
