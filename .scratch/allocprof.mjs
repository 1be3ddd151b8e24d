import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const s = new Session(); s.connect();
s.post('HeapProfiler.enable');
s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const dump = () => { s.post('HeapProfiler.stopSampling', (err, r) => { writeFileSync(`/tmp/alloc-${process.pid}.json`, JSON.stringify(r.profile)); }); };
process.on('SIGTERM', () => { dump(); process.exit(0); });
