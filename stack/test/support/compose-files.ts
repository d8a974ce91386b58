// The compose files as the compose specs read them: docker-compose.yml interpolated with compose.env, the
// Dockerfiles' stages, the mysql init script's SQL. Shared by compose.spec.ts (the static checks, unit
// tier) and compose-stack.spec.ts (the checks that need the running local stack).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../../src/settings';

export type EnvValue = string | number | boolean | null;

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, EnvValue>;
  env_file?: string | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export const read = (file: string): string => fs.readFileSync(path.join(repoRoot, file), 'utf8');

/** KEY=VALUE lines, as compose reads an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Compose's variable interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string) => {
      if (match === '$$') return '$';
      const value = env[name as string];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (op === '-') return arg;
      if (op === '?') throw new Error(`${name as string} is required: ${arg}`);
      throw new Error(`${name as string} is not set and has no default`);
    },
  );
}

export function interpolateDeep(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, env)]));
  }
  return value;
}

export const composeText = read('docker-compose.yml');
export const composeEnv = parseEnvFile(read('compose.env'));
// YAML merge keys (`<<: *anchor`) are part of what compose reads.
export const rawCompose = parseYaml(composeText, { merge: true }) as ComposeFile;
/** The file as compose runs it with `--env-file compose.env` and no other variables set. */
export const compose = interpolateDeep(rawCompose, composeEnv) as ComposeFile;
export const services = compose.services;

export const env = (service: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(services[service].environment ?? {}).map(([key, value]) => [key, String(value)]),
  );

export interface DockerStage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

/** A Dockerfile's stages and their instructions (comments dropped, continuation lines joined). */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const logical = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

export const values = (stage: DockerStage, keyword: string): string[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword).map(({ args }) => args);

export const bankAppStages = parseDockerfile(read('bank-app/Dockerfile'));
export const stage = (stages: DockerStage[], name: string): DockerStage => {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage "${name}" in the Dockerfile`);
  return found;
};

export const initScript = 'mysql/compose/initdb/01-bank.sh';

/** Sources the init script as the mysql image's entrypoint does, with docker_process_sql printing the SQL. */
export function initSql(overrides: Record<string, string> = {}): string {
  const result = spawnSync(
    'bash',
    ['--norc', '--noprofile', '-c', 'docker_process_sql() { cat; }; . "$0"', initScript],
    { cwd: repoRoot, env: { PATH: process.env.PATH, ...composeEnv, ...overrides }, encoding: 'utf8' },
  );
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}

/** bank-app's image as its Dockerfile builds it: the build and runtime stages, the command, the app's directory. */
export function bankAppImage() {
  const build = stage(bankAppStages, 'build');
  const runtime = bankAppStages.at(-1) as DockerStage;
  const cmd = JSON.parse(values(runtime, 'CMD').at(-1) as string) as string[];
  const workdirs = values(runtime, 'WORKDIR');
  /** Where the image keeps the repository's root (COPY package.json ./ lands there). */
  const imageRoot = workdirs[0];
  const appDirInRepo = path.posix.relative(imageRoot, workdirs.at(-1) as string);
  return { build, runtime, cmd, appDirInRepo };
}
