/**
 * ccproxy as a user gets it, built for the contract test: the project packed with `npm pack`,
 * installed into a temp app with `npm install --offline` from the local npm cache, and outside
 * plugin packages (examples/*) compiled there against the installed `ccproxy-node` types, packed,
 * and installed next to it as separate packages.
 *
 * No registry is asked anything. npm (11) fetches full package documents to resolve a dependency
 * range, and the cache holds only the tarballs and install documents `npm ci` fetched; so the
 * app gets a package-lock.json made from the repository's own (the same versions `npm ci`
 * installed), which leaves npm nothing to resolve: it only unpacks cached tarballs. Install
 * scripts are skipped (better-sqlite3 would download a prebuilt binary or compile) and optional
 * dependencies omitted (the Agent SDK's 200 MB Claude Code binary); the test serves neither.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}
interface Lockfile {
  packages: Record<string, LockEntry>;
}

export interface PackedInstall {
  /** The app directory: package.json, node_modules with ccproxy-node and the plugins. */
  app: string;
  /** Environment to run npm/npx/ccproxy with: temp HOME, the real npm cache, no update check. */
  env: NodeJS.ProcessEnv;
  /** `npm <args>` in `cwd` (default: the app). */
  npm(args: string[], cwd?: string): Promise<{ stdout: string; stderr: string }>;
}

/** The npm cache `npm ci` filled (read-only use: --offline never writes a package to it). */
async function npmCache(): Promise<string> {
  if (process.env.npm_config_cache) return process.env.npm_config_cache;
  return (await run('npm', ['config', 'get', 'cache'], { cwd: ROOT })).stdout.trim();
}

/**
 * Packs the project (its dist must be built) into `dir` and installs it into `<dir>/app`, with
 * `@types/node` for compiling plugins there.
 */
export async function installPackedProject(dir: string, home: string): Promise<PackedInstall> {
  const app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    npm_config_cache: await npmCache(),
    npm_config_logs_dir: join(dir, 'npm-logs'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const npm = async (args: string[], cwd = app) => run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });

  const packed = JSON.parse((await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)).stdout) as Array<{ filename: string }>;
  const tarball = `file:../${packed[0]!.filename}`;
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const repoLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const typesNode = repoLock.packages['node_modules/@types/node']!;

  const dependencies = { 'ccproxy-node': tarball, '@types/node': typesNode.version! };
  const packages: Record<string, LockEntry> = {
    '': { name: 'app', dependencies },
    'node_modules/ccproxy-node': { version: pkg.version, resolved: tarball, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (!path || path.startsWith('node_modules/ccproxy-node')) continue;
    const forTypes = path === 'node_modules/@types/node' || path === 'node_modules/undici-types';
    if (entry.dev && !forTypes) continue;
    const { dev: _dev, ...rest } = entry;
    packages[path] = rest;
  }
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies }, null, 2));
  await writeFile(join(app, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 1));
  await npm(['install', '--offline', '--ignore-scripts', '--omit=optional']);
  return { app, env, npm };
}

/**
 * examples/<name>, for each name, compiled in `<app>/plugins/<name>` against the installed
 * ccproxy-node (its published `.d.ts`, not this repository's sources: a type error fails here),
 * then packed into `dest`. Resolves the tarballs' paths.
 *
 * One TypeScript program for all of them (a tsc start is most of a compile this small): the
 * examples share one set of compiler options, which this checks, and each one's output is moved
 * to its `dist/`.
 */
export async function buildExamples(install: PackedInstall, names: string[], dest: string): Promise<string[]> {
  const plugins = join(install.app, 'plugins');
  const options = new Set<string>();
  for (const name of names) {
    await cp(join(ROOT, 'examples', name), join(plugins, name), { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
    options.add(JSON.stringify((JSON.parse(await readFile(join(plugins, name, 'tsconfig.json'), 'utf8')) as { compilerOptions: unknown }).compilerOptions));
  }
  if (options.size !== 1) throw new Error(`the examples' tsconfig.json compilerOptions differ (${names.join(', ')}): keep them the same`);
  await writeFile(join(plugins, 'tsconfig.json'), JSON.stringify({
    extends: `./${names[0]}/tsconfig.json`,
    compilerOptions: { rootDir: '.', outDir: '.out' },
    include: names.map((name) => `${name}/src`),
  }));
  await run(process.execPath, [TSC, '-p', join(plugins, 'tsconfig.json')], { cwd: plugins, env: install.env }).catch((err: { stdout?: string }) => {
    throw new Error(`the examples do not compile against the packed ccproxy-node:\n${err.stdout ?? String(err)}`);
  });
  for (const name of names) await rename(join(plugins, '.out', name, 'src'), join(plugins, name, 'dist'));
  // Built above: `prepack` (npm run build) would look for a TypeScript of each plugin's own.
  const packed = JSON.parse((await install.npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest, ...names.map((n) => `./plugins/${n}`)])).stdout) as Array<{ filename: string }>;
  return packed.map((p) => join(dest, p.filename));
}
