// Entry point of every root command. Plain JavaScript on purpose: on a fresh clone nothing is
// installed yet, so this installs the npm packages (once, or when the lock file changed) and then
// hands over to the TypeScript launcher through tsx.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockFile = path.join(root, 'package-lock.json');
// npm writes this hidden lock file after every install: newer than package-lock.json means up to date.
const installedLock = path.join(root, 'node_modules', '.package-lock.json');

function upToDate() {
  if (!fs.existsSync(installedLock)) return false;
  // (npm may write package-lock.json a moment after the hidden one, hence the margin)
  return fs.statSync(installedLock).mtimeMs >= fs.statSync(lockFile).mtimeMs - 10_000;
}

function ensureNpmPackages() {
  if (upToDate()) return;
  console.log('[stack] installing npm packages (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[stack] npm ci failed; see the output above');
    process.exit(result.status ?? 1);
  }
}

ensureNpmPackages();
// Ctrl-C reaches the launcher too (same process group); this process just waits for it to clean up.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const result = spawnSync(tsx, [path.join(__dirname, 'src', 'cli.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? (result.signal ? 1 : 0));
