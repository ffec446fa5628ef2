/**
 * GitHub's OAuth device flow (RFC 8628) for `ccproxy auth login copilot`: ask for a device code,
 * show the user code and where to enter it, then poll the token endpoint at the interval GitHub
 * gives until the person authorized (a token), or the code expired / was denied (a clear error).
 * `slow_down` adds 5 seconds to the interval, as the RFC says.
 */
import { AuthError, upstreamRequest, type CoreServices } from '../../../plugin.js';

export interface DeviceFlowOptions {
  deviceCodeUrl: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
  dispatcher: CoreServices['httpClient'];
  headers: Record<string, string>;
  print(line: string): void;
  /** Called with the verification URL unless the person asked for no browser. */
  openBrowser?: (url: string) => void;
  /** Waits between polls; tests pass a short one. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface DeviceFlowResult {
  accessToken: string;
  scope?: string;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

async function postForm(url: string, params: Record<string, string>, o: DeviceFlowOptions): Promise<Record<string, unknown>> {
  const res = await upstreamRequest({
    dispatcher: o.dispatcher,
    url,
    headers: { ...o.headers, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    plugin: 'copilot',
  });
  const parsed: unknown = await res.body.json();
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AuthError(`GitHub answered ${url} with something that is not a JSON object`, { plugin: 'copilot' });
  return parsed as Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);

export async function runDeviceFlow(o: DeviceFlowOptions): Promise<DeviceFlowResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const code = await postForm(o.deviceCodeUrl, { client_id: o.clientId, scope: o.scope }, o);
  const deviceCode = str(code.device_code);
  const userCode = str(code.user_code);
  const verificationUri = str(code.verification_uri);
  if (!deviceCode || !userCode || !verificationUri) {
    throw new AuthError(`GitHub did not issue a device code${str(code.error_description) ? `: ${str(code.error_description)}` : str(code.error) ? `: ${str(code.error)}` : ''}`, { plugin: 'copilot' });
  }
  o.print(`Open ${verificationUri} and enter the code ${userCode}`);
  o.openBrowser?.(verificationUri);
  o.print('Waiting for the authorization on GitHub…');

  let intervalMs = num(code.interval, 5) * 1000;
  const deadline = now() + num(code.expires_in, 900) * 1000;
  for (;;) {
    await sleep(intervalMs);
    const answer = await postForm(o.tokenUrl, { client_id: o.clientId, device_code: deviceCode, grant_type: DEVICE_GRANT }, o);
    const token = str(answer.access_token);
    if (token) return { accessToken: token, ...(str(answer.scope) ? { scope: str(answer.scope)! } : {}) };
    const error = str(answer.error);
    if (error === 'authorization_pending' && now() < deadline) continue;
    if (error === 'slow_down') {
      intervalMs = Math.max(intervalMs + 5000, num(answer.interval, 0) * 1000);
      continue;
    }
    if (error === 'expired_token' || error === 'authorization_pending') {
      throw new AuthError(`The code ${userCode} expired before it was entered on GitHub: run \`ccproxy auth login copilot\` again`, { plugin: 'copilot' });
    }
    if (error === 'access_denied') throw new AuthError('The authorization was denied on GitHub: login cancelled', { plugin: 'copilot' });
    throw new AuthError(`GitHub refused the device login: ${str(answer.error_description) ?? error ?? 'no token in the answer'}`, { plugin: 'copilot' });
  }
}
