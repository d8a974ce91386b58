// The feature folders of src/ depend on each other one way only: no import cycle between two folders,
// however long. Read with the TypeScript compiler's own import scanner, from the source files the app
// is built from (specs left out: a test may reach across). The root files (main.ts, app.module.ts,
// app.factory.ts) compose the folders and count as one more node, "(root)". Not madge or
// dependency-cruiser: they check cycles between files, and this rule is about folders.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE_ROOT = __dirname;
const ROOT = '(root)';

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** The top-level folder of src/ a file is in, or "(root)". */
function folderOf(file: string): string {
  const [first, ...rest] = path.relative(SOURCE_ROOT, file).split(path.sep);
  return rest.length === 0 ? ROOT : first;
}

/** Folder → the other folders its files import (type-only imports included: they are dependencies too). */
function folderGraph(files: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue; // a package
      const target = path.resolve(path.dirname(file), fileName);
      if (!target.startsWith(SOURCE_ROOT + path.sep)) continue; // outside src/ (none today)
      const to = folderOf(`${target}.ts`);
      if (to !== from) targets.add(to);
    }
  }
  return graph;
}

/** Every cycle's folders in import order, once each (Tarjan's strongly connected components). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      component.unshift(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('imports between the folders of src/', () => {
  const graph = folderGraph(sourceFiles(SOURCE_ROOT));
  const importsOf = (folder: string) => [...(graph.get(folder) ?? [])].sort();

  it('go one way only: no cycle between folders', () => {
    expect(graph.size).toBeGreaterThan(10); // the scan found the folders
    expect(cycles(graph)).toEqual([]);
  });

  it('never go from pipeline/ to observability/ or back', () => {
    expect(importsOf('pipeline')).not.toContain('observability');
    expect(importsOf('observability')).not.toContain('pipeline');
  });

  it('find a cycle when there is one', () => {
    const graphOf = (edges: Record<string, string[]>) =>
      new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

    expect(cycles(graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(cycles(graphOf({ a: ['b'], b: [], c: ['a', 'b'] }))).toEqual([]);
  });
});
