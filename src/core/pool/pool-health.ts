/**
 * The health of a pool of accounts, for any provider: each account's own credentials (as the
 * provider judges them) and its pool state. The provider fails only when no account can serve; a
 * cooling or failing account is a `warn` naming it. Names only: never a token.
 */
import type { AccountPool } from './pool.js';

export interface HealthProblem {
  level: 'warn' | 'fail';
  message: string;
}

/** What the provider says about one account's credentials (`details` go into its entry). */
export interface AccountCredentialsHealth {
  problems: HealthProblem[];
  details: Record<string, unknown>;
}

export async function poolHealth<T>(
  pool: AccountPool<T>,
  credentials: (value: T) => Promise<AccountCredentialsHealth>,
): Promise<{ problems: HealthProblem[]; accounts: Array<Record<string, unknown>> }> {
  const [states, creds] = await Promise.all([pool.status(), Promise.all(pool.members.map((m) => credentials(m.value)))]);
  const serving = states.some((st, i) => st.state === 'ready' && !creds[i]!.problems.some((p) => p.level === 'fail'));
  const cooling = states.some((st) => st.state === 'cooling');
  const worst = serving || cooling ? 'warn' : 'fail';
  const problems: HealthProblem[] = [];
  const accounts = pool.members.map((m, i) => {
    const st = states[i]!;
    for (const p of creds[i]!.problems) problems.push({ level: p.level === 'fail' ? worst : 'warn', message: `account ${m.name}: ${p.message}` });
    if (st.state !== 'ready') problems.push({ level: 'warn', message: `account ${m.name}: ${st.state} until ${new Date(st.until!).toISOString()} (${st.reason})` });
    return {
      name: m.name, state: st.state, ...(st.until ? { until: new Date(st.until).toISOString(), reason: st.reason } : {}),
      requests: st.requests, tokens: st.tokens, inflight: st.inflight, ...creds[i]!.details,
    };
  });
  return { problems, accounts };
}
