// Preload for profiling a process the benchmarks start (not a test), e.g. the watch:
//   node bench/watch.mjs --watch-node-options="--require $PWD/bench/cpu-profile.cjs"
// Node refuses --cpu-prof in NODE_OPTIONS, so this starts V8's sampling profiler through the inspector
// after IVSRT_PROFILE_AFTER_S seconds (10), stops it IVSRT_PROFILE_S seconds later (60) and writes the
// .cpuprofile (Chrome DevTools, or speedscope) to IVSRT_PROFILE_DIR (the working directory). With
// IVSRT_PROFILE_HEAP=1 it also samples every allocation over the same span, collected or not, into a
// .heapprofile: where the garbage comes from.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const after = Number(process.env.IVSRT_PROFILE_AFTER_S ?? 10) * 1000;
const span = Number(process.env.IVSRT_PROFILE_S ?? 60) * 1000;
const dir = process.env.IVSRT_PROFILE_DIR ?? process.cwd();
const heap = process.env.IVSRT_PROFILE_HEAP === '1';
// What the process writes to its terminal while profiled (frames and bytes), saved beside the profile.
const writes = { calls: 0, bytes: 0 };
let counting = false;
const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
  if (counting) {
    writes.calls++;
    writes.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }
  return write.call(this, chunk, ...rest);
};
const session = new Session();
session.connect();
setTimeout(() => {
  session.post('Profiler.enable', () =>
    session.post('Profiler.start', () => {
      counting = true;
      if (heap) session.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      setTimeout(() => {
        session.post('Profiler.stop', (error, result) => {
          counting = false;
          if (!error) writeFileSync(join(dir, `watch-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
          const memory = process.memoryUsage();
          const spaces = Object.fromEntries(require('node:v8').getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 1048576)]));
          writeFileSync(join(dir, `watch-${process.pid}.writes.json`), JSON.stringify({ seconds: span / 1000, ...writes, memoryMb: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, Math.round(v / 1048576)])), heapSpacesMb: spaces }));
          if (!heap) return session.disconnect();
          session.post('HeapProfiler.stopSampling', (heapError, sampled) => {
            if (!heapError) writeFileSync(join(dir, `watch-${process.pid}.heapprofile`), JSON.stringify(sampled.profile));
            session.disconnect();
          });
        });
      }, span).unref();
    }),
  );
}, after).unref();
