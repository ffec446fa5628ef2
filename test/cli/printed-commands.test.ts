/**
 * Every `ccproxy …` command the project prints runs as printed: the ones in README, docs, plugin
 * READMEs and examples (code spans and code blocks), in messages in the sources, and in the
 * banner of a first run. Each concrete command goes through the real command parser (a hook stops
 * it before the action runs: an unknown command or option, a missing argument or a bad choice
 * fails); a synopsis (`<name>`, `[--port]`, `a|b`, `…`) must name existing commands and options.
 * Then README's offline commands are run for real: `npm install -g .` (into a temp prefix), the
 * `ccproxy` it installs, and the start/status/stop cycle. The launchers run in launch.e2e.test.ts.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CommanderError, type Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { freePort } from '../helpers/ports.js';
import { runCli, sandbox, spawnCli, type Sandbox } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** docs/migration.md's tables put the Python ccproxy-api's commands in their left column: not ours. */
const OLD_COLUMN = 'docs/migration.md';

function files(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

interface Printed {
  where: string;
  command: string;
}

/** `ccproxy …` in code spans and in code-block lines (comments cut) of a markdown file. */
function fromMarkdown(file: string): Printed[] {
  const out: Printed[] = [];
  let inBlock = false;
  readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.trimStart().startsWith('```')) {
      inBlock = !inBlock;
      return;
    }
    if (inBlock) {
      // Up to a comment or a shell operator (`&`, `&&`, `;`, a pipe or redirection between spaces).
      const code = line.replace(/\s+#.*$/, '').split(/\s(?:&&?|;|\|\|?|[12]?>>?)(?:\s|$)|\s*&$/)[0]!.trim();
      if (/^ccproxy( |$)/.test(code)) out.push({ where, command: code });
      return;
    }
    const ours = file === OLD_COLUMN && line.startsWith('|') ? line.split('|').slice(2).join('|') : line;
    for (const m of ours.matchAll(/`(ccproxy(?: [^`]*)?)`/g)) out.push({ where, command: m[1]!.replace(/\\\|/g, '|') });
  });
  return out;
}

/** `ccproxy <command> …` inside the sources' strings and comments, up to the end of the quote. */
function fromSource(file: string, commands: string[]): Printed[] {
  const out: Printed[] = [];
  const re = new RegExp(`ccproxy (?:${commands.join('|')})\\b[^\`'"\\n]*`, 'g');
  readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
    for (const m of line.matchAll(re)) {
      // Up to the end of the command: before prose that follows it (", or", "; ", ": ", " (").
      const command = m[0].split(/[,;:()]| - |\. /)[0]!.replace(/\\$/, '').trim();
      if (!command.includes('${')) out.push({ where: `${file}:${i + 1}`, command });
    }
  });
  return out;
}

/** Shell-like words: double and single quotes group. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const isSynopsis = (command: string): boolean => /[<>[\]|…]|\.\.\.|\/--/.test(command);

/** Parses `args` with the real command tree; the action never runs. Resolves with the error, if any. */
async function parseOnly(args: string[]): Promise<string | undefined> {
  const reached = new Error('parsed');
  let errors = '';
  const program = buildProgram((p) => {
    p.exitOverride();
    p.configureOutput({ writeOut: () => undefined, writeErr: (s) => void (errors += s) });
    p.hook('preAction', () => {
      throw reached;
    });
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return undefined;
  } catch (err) {
    if (err === reached) return undefined;
    // --help and --version end the parse successfully.
    if (err instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return undefined;
    return errors.trim() || String(err);
  }
}

function subcommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** A synopsis: its command words exist, and so does every option it shows (before a launcher's own arguments). */
function synopsisProblem(command: string): string | undefined {
  const program = buildProgram();
  // `a|b|c` words and `<a|b>` placeholders: check each alternative of the command words.
  const tokens = words(command.replace(/\[[^\]]*\]/g, (opt) => (opt.match(/--[\w-]+/g) ?? []).join(' '))).slice(1);
  const variants = (tokens[0] ?? '').split('|').map((first) => [first, ...tokens.slice(1)]);
  for (const variant of variants) {
    let cmd: Command = program;
    let i = 0;
    for (; i < variant.length; i++) {
      const word = variant[i]!;
      if (word.startsWith('-') || word.startsWith('<') || word.includes('…')) break;
      const alternatives = word.split('|');
      const next = alternatives.map((w) => subcommand(cmd, w));
      if (next.some((c) => !c)) {
        if (cmd.commands.length) return `no command "${word}" under "${cmd.name()}"`;
        break; // an argument of a leaf command
      }
      cmd = next[0]!;
    }
    const launcher = cmd.name() === 'claude' || cmd.name() === 'codex';
    for (const token of variant.slice(i)) {
      if (launcher && !token.startsWith('--via')) break;
      for (const flag of token.match(/^--?[\w-]+/g) ?? []) {
        const known = [...cmd.options, ...program.options].some((o) => o.long === flag || o.short === flag || o.long === `--no-${flag.slice(2)}`);
        if (!known) return `"${cmd.name()}" has no option ${flag}`;
      }
    }
  }
  return undefined;
}

describe('every printed ccproxy command', () => {
  const commandNames = buildProgram().commands.map((c) => c.name());
  const printed = [
    ...['README.md', ...files('docs', '.md'), ...files('src/plugins', 'README.md'), ...files('examples', 'README.md')].flatMap(fromMarkdown),
    ...files('src', '.ts').flatMap((f) => fromSource(f, commandNames)),
  ].filter((p) => p.command !== 'ccproxy');

  it('finds the commands (the extraction works)', () => {
    const all = printed.map((p) => p.command);
    expect(all).toEqual(expect.arrayContaining(['ccproxy claude --via codex', 'ccproxy auth login claude', 'ccproxy plugins list', 'ccproxy stop']));
  });

  it('parses as printed, or (a synopsis) names commands and options that exist', async () => {
    const problems: string[] = [];
    for (const p of printed) {
      const problem = isSynopsis(p.command) ? synopsisProblem(p.command) : await parseOnly(words(p.command).slice(1));
      if (problem) problems.push(`${p.where}: \`${p.command}\`: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('the banner of a first run prints only commands that parse', async () => {
    const box = await sandbox();
    const child = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], box, { PLUGINS__CLAUDE_API__DETECTION__ENABLED: 'false', PLUGINS__CODEX__DETECTION__ENABLED: 'false' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let banner = '';
      child.stdout!.on('data', (d: Buffer) => (banner += d.toString()));
      await expect.poll(() => banner).toMatch(/First: .*\n/);
      const found = [...banner.matchAll(new RegExp(`ccproxy (?:${commandNames.join('|')})\\b[^\`'"\\n,;()]*`, 'g'))].map((m) => m[0].trim());
      expect(found).toContain('ccproxy auth login claude');
      for (const command of found) expect(await parseOnly(words(command).slice(1)), command).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
      await exited;
      await box.cleanup();
    }
  });
});

describe("README's offline commands, run", () => {
  let box: Sandbox;
  let prefix: string;
  beforeAll(async () => {
    box = await sandbox();
    prefix = join(box.dir, 'global');
    await mkdir(prefix);
    await writeFile(join(box.dir, '.ccproxy.toml'), `[server]\nport = ${await freePort()}\n[plugins.claude_api.detection]\nenabled = false\n[plugins.codex.detection]\nenabled = false\n`);
  });
  afterAll(async () => {
    await runCli(['stop'], box);
    await box?.cleanup();
  });

  it('npm install -g . puts a working ccproxy on PATH (here: into a temp prefix)', async () => {
    await run('npm', ['install', '-g', '.', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: 'error' } });
    const { stdout } = await run(join(prefix, 'bin', 'ccproxy'), ['--version'], { cwd: box.dir, env: box.env });
    expect(stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const help = await run(join(prefix, 'bin', 'ccproxy'), ['--help'], { cwd: box.dir, env: box.env });
    for (const name of ['serve', 'start', 'stop', 'status', 'claude', 'codex', 'auth', 'config', 'plugins']) expect(help.stdout).toMatch(new RegExp(`\\n  ${name}\\b`));
  });

  it('ccproxy plugins list, config show, auth status claude, start, status, stop', async () => {
    for (const args of [['plugins', 'list'], ['config', 'show']]) expect(await runCli(args, box), args.join(' ')).toMatchObject({ code: 0 });
    // Not logged in: a clear answer and exit code 1, not a usage error.
    const auth = await runCli(['auth', 'status', 'claude'], box);
    expect(auth.code).toBe(1);
    expect(auth.stderr).not.toContain('--help');
    expect((await runCli(['start'], box)).code).toBe(0);
    expect((await runCli(['status'], box)).code).toBe(0);
    expect((await runCli(['stop'], box)).code).toBe(0);
    expect((await runCli(['status'], box)).code).toBe(3);
  });
});
