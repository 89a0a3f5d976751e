// The page's entry: loads the billsync browser build, wires the form, runs previews.
//
// The package is resolved against this module, not the page: '../pkg/web.js' from /www/app.js and from
// /app.js both land on /pkg/web.js, so the page works when the repo root is served statically
// (/www/index.html) and when the admin backend serves www/ at / and pkg/ at /pkg/.

import { clearErrors, showError, PageError } from './errors.js';
import { loadDemo, readRequest, setDefaults, wireFilePicker, nowIso } from './form.js';
import { renderPreview } from './render.js';

const $ = (id) => document.getElementById(id);

let billsync = null;
let changesetText = null;

async function loadEngine() {
  const status = $('engine-status');
  try {
    billsync = await import(new URL('../pkg/web.js', import.meta.url).href);
  } catch (e) {
    status.textContent = `Could not load the billsync package (is pkg/ built? run "make build"): ${e.message}`;
    status.classList.add('is-error');
    return;
  }
  if (typeof billsync.previewReconciliation !== 'function') {
    status.textContent = `billsync ${billsync.version?.() ?? ''} has no previewReconciliation: rebuild pkg/ from a version that has it.`;
    status.classList.add('is-error');
    return;
  }
  status.textContent = `billsync ${billsync.version()} ready (WebAssembly, in this browser).`;
  $('preview').disabled = false;
}

function clearResults() {
  changesetText = null;
  $('results').hidden = true;
  $('results-body').replaceChildren();
}

async function preview(event) {
  event.preventDefault();
  if (!billsync) return;
  clearErrors();
  // A failed run must not leave an earlier run's figures on screen, as if they were its result.
  clearResults();
  const button = $('preview');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const request = readRequest();
    const result = await billsync.previewReconciliation(request);
    changesetText = renderPreview($('results-body'), result, { onDownload: downloadChangeset });
    $('results').hidden = false;
    $('results').focus();
  } catch (error) {
    if (!(error instanceof PageError) && !billsync.isBillsyncError?.(error)) {
      // A bug rather than bad input: keep it visible in the console too.
      console.error(error);
    }
    showError(error).focus();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Saves the changeset through a Blob URL: the file is made in the browser, nothing is uploaded. */
function downloadChangeset() {
  if (changesetText === null) return;
  const url = URL.createObjectURL(new Blob([changesetText + '\n'], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'changeset.json';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next task: the download has taken its copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function onLoadDemo() {
  clearErrors();
  clearResults();
  try {
    await loadDemo();
  } catch (error) {
    showError(error instanceof PageError ? error : new PageError('demo_unavailable', error.message)).focus();
  }
}

function onClear() {
  for (const id of ['records', 'export']) $(id).value = '';
  for (const id of ['records-file-status', 'export-file-status']) $(id).textContent = '';
  clearErrors();
  clearResults();
}

setDefaults();
$('preview-form').addEventListener('submit', preview);
$('load-demo').addEventListener('click', onLoadDemo);
$('clear').addEventListener('click', onClear);
$('as-of-now').addEventListener('click', () => {
  $('as-of').value = nowIso();
});
wireFilePicker('records-file', 'records', 'records-file-status', clearResults);
wireFilePicker('export-file', 'export', 'export-file-status', clearResults);
await loadEngine();
