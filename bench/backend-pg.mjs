// The Node admin backend on PostgreSQL, end to end: MONTHS months of LICENCES Arrow licences (one
// consumption record per licence and month) synced, then reconciled, through the REST triggers of
// `server.mjs --workers W`, as jobs on the queue, for each W in WORKERS. A throwaway cluster
// (examples/node-admin/support/pg-cluster.mjs) and a bulk Arrow on loopback (support/bulk-arrow.mjs) in
// this process. Prints, per W and phase: wall time, rows/s, the jobs' own durations, and per worker its peak
// RSS and how much of its jobs' time it spent on the CPU (wasm, JSON, the driver) rather than waiting (on
// PostgreSQL and Arrow's HTTP).
//
//   node bench/backend-pg.mjs                       # LICENCES=5000 MONTHS=4 WORKERS="1 4"
//   LICENCES=20000 MONTHS=4 node bench/backend-pg.mjs
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { startCluster } from '../examples/node-admin/support/pg-cluster.mjs';
import { BULK_SETTINGS_UUID, bulkHostData, startBulkArrow } from '../examples/node-admin/support/bulk-arrow.mjs';
import { jsonLines, spawnBackend } from '../examples/node-admin/support/spawn-backend.mjs';
import { openPgStore } from '../examples/node-admin/pg-store.mjs';

const LICENCES = Number(process.env.LICENCES ?? 5000);
const MONTHS = Number(process.env.MONTHS ?? 4);
const WORKERS = (process.env.WORKERS ?? '1 4').split(/\s+/).filter(Boolean).map(Number);
const periods = Array.from({ length: MONTHS }, (_, i) => ({ year: 2025, month: 1 + i }));

const ticks = 100; // USER_HZ on Linux
const cpuSeconds = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
};
const peakRssMb = (pid) => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return Math.round(Number(line.split(/\s+/)[1]) / 1024);
  } catch {
    return null;
  }
};

async function jobState(backend, headers, id) {
  try {
    return (await (await fetch(`${backend.url}/api/admin/billsync/jobs/${id}/`, { headers })).json()).state;
  } catch (error) {
    return `unreachable: ${error.cause?.code ?? error.message}`; // a kept-alive connection closed: ask again
  }
}

async function waitJobs(backend, headers, ids) {
  for (;;) {
    const states = await Promise.all(ids.map((id) => jobState(backend, headers, id)));
    if (states.every((s) => s === 'completed')) return;
    if (states.some((s) => s === 'failed')) throw new Error(`a job failed: ${states}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function run(cluster, arrow, workers) {
  const url = await cluster.createDatabase(`bench_${workers}_${Date.now()}`);
  const seeded = await openPgStore(url, { initial: bulkHostData({ licences: LICENCES, apiUrl: arrow.url }) });
  await seeded.close();
  const backend = await spawnBackend({
    workers,
    env: { BILLSYNC_DATABASE_URL: url, ARROW_API_URL: arrow.url, ARROW_API_KEY: arrow.apiKey, BILLSYNC_JOB_EXPIRE_SECONDS: '3600' },
  });
  const headers = { authorization: `Token ${backend.token}`, 'content-type': 'application/json' };
  const phases = [];
  try {
    for (const operation of ['trigger_consumption_sync', 'trigger_reconciliation']) {
      const from = backend.lines.length;
      const started = process.hrtime.bigint();
      const ids = [];
      for (const p of periods) {
        const res = await fetch(`${backend.url}/api/admin/arrow/billing-syncs/${operation}/`, { method: 'POST', headers, body: JSON.stringify({ ...p, settings_uuid: BULK_SETTINGS_UUID }) });
        ids.push((await res.json()).job.id);
      }
      await waitJobs(backend, headers, ids);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const runs = jsonLines(backend.lines.slice(from)).filter((e) => e.msg === 'job' && e.state === 'completed');
      const replans = backend.lines.slice(from).filter((l) => l.includes('conflict, re-planning')).length;
      phases.push({ operation, seconds, replans, rows: LICENCES * MONTHS, jobs: runs.map((r) => ({ pid: r.pid, seconds: r.duration_ms / 1000 })) });
    }
    const pids = [...new Set(jsonLines(backend.lines).filter((e) => e.msg === 'job').map((e) => e.pid))];
    const perWorker = pids.map((pid) => {
      const jobSeconds = phases.flatMap((p) => p.jobs).filter((j) => j.pid === pid).reduce((s, j) => s + j.seconds, 0);
      return { pid, peakRssMb: peakRssMb(pid), cpuSeconds: cpuSeconds(pid), jobSeconds };
    });
    const died = jsonLines(backend.lines).filter((e) => e.msg === 'worker died');
    if (died.length) console.log(`workers died: ${JSON.stringify(died)}`);
    return { workers, phases, perWorker };
  } finally {
    await backend.stop();
  }
}

const cluster = await startCluster();
const arrow = await startBulkArrow({ licences: LICENCES, perPage: 1000 });
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`data: ${LICENCES} licences × ${MONTHS} months = ${LICENCES * MONTHS} consumption records; one sync job and one reconciliation job per month\n`);
  const results = [];
  for (const w of WORKERS) results.push(await run(cluster, arrow, w));
  console.log('| workers | phase | wall | rows/s | jobs (s each) | re-plans after a conflict |');
  console.log('|--:|---|--:|--:|---|--:|');
  for (const r of results) {
    for (const p of r.phases) {
      console.log(`| ${r.workers} | ${p.operation.replace('trigger_', '')} | ${p.seconds.toFixed(1)} s | ${Math.round(p.rows / p.seconds).toLocaleString('en-US')} | ${p.jobs.map((j) => j.seconds.toFixed(1)).join(', ')} | ${p.replans} |`);
    }
  }
  console.log('\n| workers | worker pid | peak RSS | CPU time | time in jobs | CPU share of job time |');
  console.log('|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    for (const w of r.perWorker) {
      console.log(`| ${r.workers} | ${w.pid} | ${w.peakRssMb} MB | ${w.cpuSeconds?.toFixed(1)} s | ${w.jobSeconds.toFixed(1)} s | ${w.jobSeconds ? Math.round((100 * w.cpuSeconds) / w.jobSeconds) : '-'} % |`);
    }
  }
  if (results.length >= 2) {
    const total = (r) => r.phases.reduce((s, p) => s + p.seconds, 0);
    console.log(`\n${results.at(-1).workers} workers vs ${results[0].workers}: ${(total(results[0]) / total(results.at(-1))).toFixed(2)}× (whole run)`);
  }
} finally {
  await arrow.close();
  cluster.stop();
}
