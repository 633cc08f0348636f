import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The source files of a folder tree whose imports the layout rules look at. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mjs|astro)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The files a source file imports by relative path, resolved against its folder. */
export function relativeImports(file: string): string[] {
  let text = readFileSync(file, 'utf8');
  // An .astro file's imports are in its frontmatter and its <script> blocks; TypeScript's
  // preprocessor reads import declarations anywhere in the text, so the whole file will do.
  if (file.endsWith('.astro')) text = text.replaceAll(/<[^>]*>/g, '\n');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'))
    .map((name) => path.resolve(path.dirname(file), name));
}

/** Folder-to-folder import edges (a folder's files importing another folder's files). */
export function folderGraph(root: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const from = path.relative(root, path.dirname(file)) || '.';
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of relativeImports(file)) {
      const to = path.relative(root, path.dirname(target)) || '.';
      if (to !== from && !to.startsWith('..')) edges.add(to);
    }
  }
  return graph;
}

/** The strongly connected groups of more than one folder (Tarjan's algorithm): each is a loop. */
export function folderLoops(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) loops.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return loops;
}
