// Summarises a V8 .cpuprofile (written by BENCH_PROFILE=1 into test-output/bench/): self time by
// package and the hottest functions, to see where bank-app spends its CPU under load.
//   npx tsx bench/src/profile-summary.ts test-output/bench/bench-command.cpuprofile [top] [pattern,…]
// With patterns, also the share of busy samples whose stack contains each (inclusive time), e.g.
// MysqlQueryRunner.js,captureStackHolder,writeBuffer,fastify/lib.
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** node_modules/<pkg> (scoped too), node's own code, bank-app's code, or V8's pseudo-frames. */
function packageOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.includes('/bank-app/dist/')) return 'bank-app';
  return url;
}

function main(): void {
  const [file, topArg, patternArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
    const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + count);
  }
  const pct = (count: number) => `${((100 * count) / total).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${total} samples over ${seconds.toFixed(1)} s\n\nself time by package:`);
  for (const [pkg, count] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(count)}  ${pkg}`);
  console.log('\nhottest functions (self time):');
  for (const [name, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(count)}  ${name}`);
  if (patternArg) inclusive(profile, byId, patternArg.split(','));
}

/** Share of the busy (non-idle) samples whose stack has a frame matching each pattern. */
function inclusive(profile: Profile, byId: Map<number, ProfileNode>, patterns: string[]): void {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const counts = new Map(patterns.map((pattern) => [pattern, 0]));
  let busy = 0;
  for (const id of profile.samples) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    busy += 1;
    const frames: string[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame) frames.push(`${frame.functionName}@${frame.url}`);
    }
    for (const pattern of patterns) {
      if (frames.some((frame) => frame.includes(pattern)))
        counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
    }
  }
  console.log(`\ninclusive, share of the ${busy} busy samples:`);
  for (const [pattern, count] of counts) {
    console.log(`  ${((100 * count) / Math.max(1, busy)).toFixed(1).padStart(5)} %  ${pattern}`);
  }
}

main();
