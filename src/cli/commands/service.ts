/** `ccproxy start|stop|status`: the proxy as a background service (pid file and log under the XDG state dir). */
import { probe } from '../service/probe.js';
import { portTaken, runningService, serviceTarget, startService, stopService, type TargetOptions } from '../service/service.js';
import { statePaths } from '../service/state-paths.js';

/** `ccproxy status` exit code when nothing runs (the LSB convention for "not running"). */
export const NOT_RUNNING = 3;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

export async function startCommand(opts: TargetOptions): Promise<void> {
  const target = await serviceTarget(opts);
  const running = await runningService(target.paths);
  if (running) {
    say(`ccproxy is already running in the background (pid ${running.pid}) at ${running.url}; log: ${target.paths.logFile}`);
    return;
  }
  const found = await probe(target.url);
  if (found.kind === 'ccproxy') {
    say(`ccproxy ${found.version} already answers at ${target.url} (started elsewhere, not by \`ccproxy start\`)`);
    return;
  }
  if (found.kind === 'other') throw portTaken(target.url, found.detail);
  const record = await startService(target);
  say(`ccproxy started in the background (pid ${record.pid}) at ${record.url}`);
  say(`  log: ${target.paths.logFile}`);
  say('  stop it with: ccproxy stop');
}

export async function stopCommand(opts: TargetOptions): Promise<void> {
  const paths = statePaths(opts.env ?? process.env);
  const stopped = await stopService(paths);
  if (stopped) {
    say(`ccproxy stopped (pid ${stopped.record.pid}, ${stopped.record.url})${stopped.killed ? ': killed, it did not finish its shutdown' : ''}`);
    return;
  }
  const target = await serviceTarget(opts);
  const found = await probe(target.url);
  if (found.kind === 'ccproxy') {
    process.exitCode = 1;
    say(`The ccproxy at ${target.url} was not started by \`ccproxy start\` (no ${paths.pidFile}): stop it where it runs (Ctrl-C there, or SIGTERM).`);
    return;
  }
  say('ccproxy is not running');
}

export async function statusCommand(opts: TargetOptions): Promise<void> {
  const paths = statePaths(opts.env ?? process.env);
  const record = await runningService(paths);
  if (record) {
    const found = await probe(record.url);
    if (found.kind === 'ccproxy') {
      say(`ccproxy ${found.version} is running in the background (pid ${record.pid}) at ${record.url}`);
      say(`  log: ${paths.logFile}`);
    } else {
      process.exitCode = 1;
      say(`ccproxy's process ${record.pid} is running, but ${record.url} does not answer as ccproxy (${found.kind === 'other' ? found.detail : 'connection refused'}); log: ${paths.logFile}`);
    }
    return;
  }
  const target = await serviceTarget(opts);
  const found = await probe(target.url);
  if (found.kind === 'ccproxy') {
    say(`ccproxy ${found.version} is running at ${target.url} (started elsewhere, not by \`ccproxy start\`)`);
    return;
  }
  process.exitCode = NOT_RUNNING;
  say(found.kind === 'other' ? `ccproxy is not running; ${target.url} is in use by something else (${found.detail})` : `ccproxy is not running (start it with: ccproxy start)`);
}
