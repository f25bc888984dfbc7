import { realpathSync } from 'node:fs';
import ts from 'typescript';

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['lagscale-source'],
  allowJs: true,
};

/** The package a file belongs to: one installed in node_modules, or one we vendor (kafkajs). */
function packageOf(file: string): string | undefined {
  return /\/(?:node_modules|vendor)\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
}

/**
 * What a module can load at run time: static imports and re-exports (not `import type`), and
 * `import('…')` with a literal specifier, resolved as Node does with the `lagscale-source`
 * condition. Our own sources (the workspace libraries included) are followed; a package in
 * node_modules or vendor/ is a leaf, `npm:<name>`.
 */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.ES2022, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause?.isTypeOnly !== true) specifiers.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const targets: string[] = [];
  for (const specifier of specifiers) {
    if (specifier.startsWith('node:')) continue;
    const resolved = ts.resolveModuleName(specifier, file, compilerOptions, ts.sys).resolvedModule?.resolvedFileName;
    if (resolved === undefined) throw new Error(`${file}: cannot resolve "${specifier}"`);
    const real = realpathSync(resolved);
    const pkg = packageOf(real);
    targets.push(pkg !== undefined ? `npm:${pkg}` : real);
  }
  return targets;
}

/**
 * Every module reachable from `entries`, each with the module that first reached it (breadth
 * first: shortest chains). Modules for which `leaf` is true are reached but not followed.
 */
export function importGraph(entries: readonly string[], leaf: (file: string) => boolean = () => false): Map<string, string | undefined> {
  const reachedFrom = new Map<string, string | undefined>(entries.map((entry) => [realpathSync(entry), undefined]));
  const queue = [...reachedFrom.keys()];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (file.startsWith('npm:') || leaf(file)) continue;
    for (const target of runtimeImports(file)) {
      if (reachedFrom.has(target)) continue;
      reachedFrom.set(target, file);
      queue.push(target);
    }
  }
  return reachedFrom;
}

/** The import chain from an entry to `target`, entry first. */
export function chainTo(graph: ReadonlyMap<string, string | undefined>, target: string): string[] {
  const chain = [target];
  for (let from = graph.get(target); from !== undefined; from = graph.get(from)) chain.unshift(from);
  return chain;
}
