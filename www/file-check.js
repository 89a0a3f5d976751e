// Opened from disk (file://), the page cannot run: browsers load neither module scripts, nor workers, nor
// WebAssembly from file URLs. This classic script still runs, and says how to serve the page instead.
if (location.protocol === 'file:') {
  document.addEventListener('DOMContentLoaded', function () {
    var status = document.getElementById('engine-status');
    status.className = 'status is-error';
    status.textContent = 'This page was opened as a file (file://), and browsers do not run its worker and ' +
      'WebAssembly from files. Serve it over HTTP instead: run "make run" in the billsync repository and open ' +
      'http://127.0.0.1:8080/, or serve the repository root with any static server (for example ' +
      '"python3 -m http.server 8000" there) and open http://127.0.0.1:8000/www/.';
  });
}
