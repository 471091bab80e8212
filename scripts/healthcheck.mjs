// The container and service health probe: exits 0 when a ringbook command's /health answers 200 (ready), 1 when it
// answers 503 (not ready: stale feed, failing writer, a halted trading session, starting or stopping) or does not
// answer. It probes readiness, for Docker's HEALTHCHECK (which marks the container unhealthy, never restarts it): a
// restarting supervisor's liveness probe is /livez instead (docs/operations.md). Needs only Node.
// `node scripts/healthcheck.mjs [URL]`; default http://127.0.0.1:$RINGBOOK_METRICS_PORT/health (port 9464).
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.RINGBOOK_METRICS_PORT || '9464'}/health`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = (await res.text()).trim();
  if (res.status !== 200) {
    console.error(`not ready (HTTP ${res.status}): ${body}`);
    process.exit(1);
  }
  console.log(body);
} catch (err) {
  console.error(`no answer from ${url}: ${err.cause?.code ?? err.message}`);
  process.exit(1);
}
