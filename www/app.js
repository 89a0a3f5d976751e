// The page's entry: starts the worker that runs billsync, wires the form, shows progress, results and errors.
// The page's thread never runs the wasm and never holds the whole result: it sends the inputs (files as
// File objects) and receives totals, one page of rows at a time, and downloads as Blobs.

import { clearErrors, markInput, showError } from './errors.js';
import { buildInputs, chosenVendor, clearInputs, loadDemo, nowIso, readInputs, readParams, setDefaults, showVendorInputs } from './form.js';
import { renderPreview } from './render.js';

const $ = (id) => document.getElementById(id);

let worker = null;
let ready = null;
let running = null; // { id, resolve, reject } of the preview in progress
const pending = new Map(); // rows and download requests by id
let nextId = 1;
let version = '';

/** A new worker; the previous one (if any) is terminated: that is how a run is cancelled. */
function startWorker() {
  worker?.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  ready = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') {
        version = data.version;
        resolve();
      } else if (data.type === 'error' && data.id === null) reject(data.error);
      else onMessage(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const error = { code: 'worker_failed', message: `The preview's worker failed: ${event.message || 'it could not start (is this browser too old for module workers?)'}` };
      reject(error);
      running?.reject(error);
    };
  });
  return ready;
}

function onMessage(data) {
  if (data.type === 'progress' && running?.id === data.id) return showProgress(data);
  if (running?.id === data.id && (data.type === 'result' || data.type === 'error')) {
    const { resolve, reject } = running;
    running = null;
    return data.type === 'result' ? resolve(data.view) : reject(data.error);
  }
  const request = pending.get(data.id);
  if (request) {
    pending.delete(data.id);
    if (data.type === 'error') request.reject(data.error);
    else request.resolve(data);
  }
}

function ask(message) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id });
  });
}

// Progress: reading counts for the first 40% (by bytes), the preview itself up to 90%, the sums the rest.
const STAGES = { read: [0, 40], preview: [40, 90], daily_check: [88, 90], summary: [90, 100] };

// While the one wasm call runs, the words count the seconds: the bar cannot move, but the page shows it is alive.
let ticking = null;

function tick(running) {
  clearInterval(ticking);
  ticking = null;
  $('progress-elapsed').textContent = '';
  if (!running) return;
  const started = performance.now();
  ticking = setInterval(() => {
    $('progress-elapsed').textContent = `${Math.round((performance.now() - started) / 1000)} s`;
  }, 1000);
}

function showProgress({ operation, done, total, message }) {
  tick(operation === 'preview' && done === 0);
  const [from, to] = STAGES[operation] ?? STAGES.daily_check;
  const share = total > 0 ? Math.min(done / total, 1) : 0;
  const value = Math.max(Number($('progress-bar').value), from + (to - from) * share);
  $('progress-bar').value = value;
  // The words change with the step, or every 5%: a screen reader is not read every chunk of a file.
  const text = $('progress-text');
  if (text.dataset.message !== message || value - Number(text.dataset.value ?? 0) >= 5) {
    Object.assign(text.dataset, { message, value });
    text.textContent = `${message} (${Math.round(value)}%)`;
  }
}

function setBusy(busy) {
  tick(false);
  $('progress').hidden = !busy;
  $('preview').disabled = busy || !version;
  if (busy) {
    $('preview').setAttribute('aria-busy', 'true');
    $('progress-bar').value = 0;
    $('progress-text').textContent = 'Starting…';
    delete $('progress-text').dataset.message;
    delete $('progress-text').dataset.value;
  } else $('preview').removeAttribute('aria-busy');
}

function clearResults() {
  $('results').hidden = true;
  $('results-body').replaceChildren();
}

async function preview(event) {
  event.preventDefault();
  if (running) return;
  clearErrors();
  // A failed run must not leave an earlier run's figures on screen, as if they were its result.
  clearResults();
  setBusy(true);
  const vendor = chosenVendor();
  const id = nextId++;
  try {
    await ready;
    const view = await new Promise((resolve, reject) => {
      running = { id, resolve, reject };
      worker.postMessage({ type: 'preview', id, vendor, inputs: readInputs(), params: readParams(vendor) });
    });
    // The daily bills are checked after the preview: their error goes next to them, beside the results.
    const daily = view.extras?.dailyCheck;
    if (daily && !daily.ok) markInput('daily', daily.error.code, `${view.names?.daily ?? 'Daily bills'}: the daily check failed: ${daily.error.message}`);
    if (vendor === 'auto') $('vendor-hint').textContent = `Detected from the records: ${view.vendor === 'soracom' ? 'Soracom' : 'Arrow'}.`;
    await renderPreview($('results-body'), view, {
      onDownload: download,
      query: (query) => ask({ type: 'rows', query }).then((m) => m.page, (e) => showError(e) && null),
    }, () => {
      $('results').hidden = false;
      $('results').focus();
    });
  } catch (error) {
    if (error?.code === 'cancelled') return;
    if (error?.code === 'internal_error') console.error(error.message, error.stack);
    showError(error).focus();
  } finally {
    running = null;
    setBusy(false);
  }
}

/** Cancelling terminates the worker (the wasm stops at once) and starts a fresh one for the next run. */
function cancel() {
  const run = running;
  if (!run) return;
  running = null;
  for (const request of pending.values()) request.reject({ code: 'cancelled', message: 'Cancelled.' });
  pending.clear();
  startWorker().catch(engineFailed);
  run.reject({ code: 'cancelled', message: 'Cancelled.' });
  $('engine-status').textContent = `Cancelled. billsync ${version} ready again.`;
  $('preview').focus();
}

/** Saves a Blob the worker made: nothing is uploaded. */
async function download(kind) {
  const { blob, name } = await ask({ type: 'download', kind });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download has taken its copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function onLoadDemo(which) {
  clearErrors();
  clearResults();
  try {
    await loadDemo(which);
  } catch (error) {
    showError({ code: error.code ?? 'demo_unavailable', message: error.message }).focus();
  }
}

function engineFailed(error) {
  $('engine-status').textContent = error.message;
  $('engine-status').classList.add('is-error');
}

const vendorHint = $('vendor-hint').textContent;
buildInputs(() => clearResults());
setDefaults();
showVendorInputs();
for (const radio of document.querySelectorAll('input[name="vendor"]')) {
  radio.addEventListener('change', () => {
    showVendorInputs();
    clearErrors();
    $('vendor-hint').textContent = vendorHint;
  });
}
$('preview-form').addEventListener('submit', preview);
$('cancel').addEventListener('click', cancel);
$('load-demo').addEventListener('click', () => onLoadDemo('arrow'));
$('load-soracom-demo').addEventListener('click', () => onLoadDemo('soracom'));
$('clear').addEventListener('click', () => {
  clearInputs();
  clearErrors();
  clearResults();
});
$('as-of-now').addEventListener('click', () => {
  $('as-of').value = nowIso();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && running) cancel();
});
startWorker().then(
  () => {
    $('engine-status').textContent = `billsync ${version} ready (WebAssembly, in a worker in this browser).`;
    $('preview').disabled = false;
  },
  engineFailed,
);
