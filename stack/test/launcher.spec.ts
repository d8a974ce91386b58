// The launcher's promises: `up` is idempotent, a dead component is restarted alone, `status` fails and
// names what is down, and a taken port is reported with the variable that moves it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { components } from '../src/components';
import { runningPid } from '../src/processes';
import { repoRoot } from '../src/settings';

interface CliResult {
  code: number;
  output: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve) => {
    execFile(
      tsx,
      [path.join(repoRoot, 'stack', 'src', 'cli.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 170_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

function pids(): Record<string, number | undefined> {
  return Object.fromEntries(components.map((component) => [component.name, runningPid(component.name)]));
}

describe('stack launcher', () => {
  it('changes nothing when `up` runs on a running stack', async () => {
    const before = pids();
    expect(Object.values(before).every((pid) => pid !== undefined)).toBe(true);
    const result = await cli(['up']);
    expect(result.code).toBe(0);
    expect(result.output).not.toContain('started (pid');
    expect(pids()).toEqual(before);
  });

  it('reports a dead component in `status` and restarts just that one on `up`', async () => {
    const before = pids();
    const killed = await cli(['kill', 'druid-router', 'SIGKILL']);
    expect(killed.code).toBe(0);

    const status = await cli(['status']);
    expect(status.code).not.toBe(0);
    expect(status.output).toMatch(/not ready: druid-router \(down\)/);

    const restarted = await cli(['up']);
    expect(restarted.code).toBe(0);
    expect(restarted.output).toMatch(/druid-router\s+started \(pid \d+\)/);
    const after = pids();
    expect(after['druid-router']).not.toBe(before['druid-router']);
    for (const name of Object.keys(before).filter((name) => name !== 'druid-router')) {
      expect({ name, pid: after[name] }).toEqual({ name, pid: before[name] });
    }
  });

  it('refuses a taken port, naming the port and the variable that moves it', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    const emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-home-'));
    try {
      const result = await cli(['up', 'mariadb'], { STACK_HOME: emptyHome, DB_PORT: String(port) });
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`port ${port} is already in use`);
      expect(result.output).toContain('DB_PORT=');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      fs.rmSync(emptyHome, { recursive: true, force: true });
    }
  });
});
