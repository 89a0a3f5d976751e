// `server.mjs --workers N`: N worker processes (node:cluster) on one PostgreSQL. Each worker is a whole
// backend: it serves HTTP on the shared port (the cluster spreads connections over them) and works jobs
// from the queue. The supervisor (the primary process) does what must happen once: it starts the
// simulators, seeds the demo data and the demo user, keeps the cron schedules and runs the queue's
// maintenance (expiry, cron clock); it serves no request and runs no job.
//
// A worker that dies (kill -9, a crash) is replaced at once, and the jobs it was running are failed in the
// queue at once, so they are retried (with their backoff) by whichever worker fetches them first, instead
// of waiting for their lease to expire. SIGTERM (or SIGINT) stops the workers gracefully (requests in
// flight and running jobs finish, 30 s at most), then the supervisor.
import cluster from 'node:cluster';

export const isWorker = () => cluster.isWorker && process.env.BILLSYNC_WORKER === '1';

const event = (fields) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', ...fields }));

/** The supervisor. Resolves once every worker listens; the process then lives until a signal. */
export async function runSupervisor({ workers, options, startServer, banner, portIsFree }) {
  if (!options.databaseUrl) {
    throw new Error('--workers needs BILLSYNC_DATABASE_URL=postgres://…: several processes share one PostgreSQL (SQLite serves one process)');
  }
  if (options.port !== 0) await portIsFree(options.port);
  // Setup: simulators, seed, demo user, schedules, maintenance; no HTTP, no work.
  const app = await startServer({ ...options, listen: false, queue: { ...options.queue, work: false, maintenance: true } });
  const env = {
    BILLSYNC_WORKER: '1',
    ARROW_API_URL: app.arrowUrl,
    SORACOM_API_URL: app.soracomUrl,
  };
  // The simulators' demo credentials, when the supervisor started them (the workers talk to them too).
  const { ARROW_API_KEY } = await import('./demo-data.mjs');
  const { SORACOM_API_KEY, SORACOM_TOKEN } = await import('./soracom-demo-data.mjs');
  if (app.simulator) env.ARROW_API_KEY = options.arrowApiKey ?? ARROW_API_KEY;
  if (app.soracomSimulator) {
    env.SORACOM_API_KEY = options.soracomApiKey ?? SORACOM_API_KEY;
    env.SORACOM_TOKEN = options.soracomToken ?? SORACOM_TOKEN;
  }

  const running = new Map(); // worker id → Set of job ids
  let stopping = false;
  let url = null;
  let firstListening;
  const listening = new Promise((resolve) => {
    firstListening = resolve;
  });

  // A worker that dies soon after it started (the database unreachable, a bad option) is restarted after a
  // growing pause, so that a broken setup does not fork in a loop.
  let quickDeaths = 0;
  const fork = () => {
    const bornAt = Date.now();
    const worker = cluster.fork(env);
    running.set(worker.id, new Set());
    worker.on('message', (message) => {
      if (message?.type === 'listening') {
        url ??= message.url;
        firstListening(message.url);
      } else if (message?.type === 'job-start') running.get(worker.id)?.add(message.id);
      else if (message?.type === 'job-end') running.get(worker.id)?.delete(message.id);
    });
    worker.on('exit', async (code, signal) => {
      const jobs = [...(running.get(worker.id) ?? [])];
      running.delete(worker.id);
      if (stopping) return;
      event({ level: 'error', msg: 'worker died', pid: worker.process.pid, code, signal, released_jobs: jobs });
      try {
        await app.queue.failJobs(jobs, `worker ${worker.process.pid} died (${signal ?? `exit ${code}`})`);
      } catch (error) {
        event({ level: 'error', msg: 'could not release the jobs of a dead worker', error: error.message, jobs });
      }
      quickDeaths = Date.now() - bornAt < 10_000 ? quickDeaths + 1 : 0;
      setTimeout(() => !stopping && fork(), Math.min(30_000, 1000 * quickDeaths));
    });
    return worker;
  };
  for (let i = 0; i < workers; i += 1) fork();
  const first = await listening;
  console.log(banner({ ...options, ...app, url: first, workers }));

  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${Object.keys(cluster.workers).length} workers…`);
    const exits = Object.values(cluster.workers).map(
      (worker) =>
        new Promise((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', resolve);
          worker.process.kill('SIGTERM');
          setTimeout(() => worker.process.kill('SIGKILL'), 30_000).unref();
        }),
    );
    await Promise.all(exits);
    await app.close();
    console.log('bye');
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return { url: first, app };
}

/** One worker process: a whole backend on the shared port, telling the supervisor which jobs it runs. */
export async function runWorker({ options, startServer }) {
  const tell = (message) => process.connected && process.send(message);
  const app = await startServer({
    ...options,
    demoHistory: false,
    seed: false,
    queue: { ...options.queue, work: true, maintenance: false, onJobStart: (job) => tell({ type: 'job-start', id: job.id }), onJobEnd: (job) => tell({ type: 'job-end', id: job.id }) },
  });
  tell({ type: 'listening', url: app.url, pid: process.pid });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  // Ctrl-C reaches the whole process group: the supervisor stops the workers in order.
  process.on('SIGINT', () => {});
  // The supervisor gone (kill -9), the worker goes too.
  process.on('disconnect', stop);
}
