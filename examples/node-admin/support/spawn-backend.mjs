// Runs `node server.mjs [--workers N]` as a child process for the tests: waits for its banner, and gives
// its URL, the demo token it printed once, every line it wrote (JSON job logs included) and a graceful
// stop (SIGTERM, then the exit code). A child still running when the test process exits is killed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../server.mjs', import.meta.url));
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The JSON objects among the lines (the structured logs). */
export const jsonLines = (lines) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

export async function spawnBackend({ env = {}, workers = null, startTimeoutMs = 60_000 } = {}) {
  const args = [SERVER, ...(workers ? ['--workers', String(workers)] : [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines = [];
  const waiters = new Set();
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  let buffered = '';
  const take = (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters) w();
    }
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', take);

  /** Resolves with the first line (from `from` on) that `predicate` accepts. */
  const waitFor = (predicate, timeoutMs = 30_000, from = 0) => new Promise((resolve, reject) => {
    let seen = from;
    const check = () => {
      for (; seen < lines.length; seen += 1) {
        if (predicate(lines[seen])) {
          waiters.delete(check);
          clearTimeout(timer);
          return resolve(lines[seen]);
        }
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out waiting for a line; the last ones:\n${lines.slice(-20).join('\n')}`));
    }, timeoutMs);
    waiters.add(check);
    exited.then(() => {
      if (waiters.has(check)) {
        waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`the backend exited; its last lines:\n${lines.slice(-30).join('\n')}`));
      }
    });
    check();
  });

  const health = await waitFor((l) => / Health {5}http/.test(l), startTimeoutMs);
  const url = health.match(/(http:\/\/127\.0\.0\.1:\d+)\/healthz/)[1];
  const tokenLine = lines.find((l) => l.startsWith(' Token '));
  const token = tokenLine?.match(/TOKEN=([0-9a-f]{64})/)?.[1] ?? null;
  return {
    url,
    token,
    lines,
    child,
    waitFor,
    exited,
    async stop(timeoutMs = 45_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
