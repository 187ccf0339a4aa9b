// Which public members of the exported classes no test calls. The TypeScript
// compiler resolves every property access in test/**/*.ts to the member it
// names and the class of the object it is called on, so `consumer.getMetadata()`
// counts for Consumer and not for Producer, and a member of the same name on
// another class never hides a missing test. Events count when a test listens
// to them (`.on('name'`, `.once('name'`, `once(client, 'name'`).
//
// Usage: node scripts/check-public-surface.js [--json]
// Prints what no test uses (one per line) and exits 1 when that is not empty,
// or, with --json, prints { required, uncovered } and exits 0.
// test/unit/public-surface-coverage.test.ts runs it (in a child process, so
// the compiler's long synchronous run never stalls a test worker) and keeps
// the list empty but for its explicit allowances.
'use strict';

const { readdirSync } = require('node:fs');
const path = require('node:path');

const ts = require('typescript');

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'src', 'index.ts');
function testFiles(dir) {
  const files = [];
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) {
      // Package fixtures are installed copies, not tests of the source.
      if (item.name !== 'fixtures' && item.name !== 'node_modules') files.push(...testFiles(full));
    } else if (/\.ts$/.test(item.name) && !/\.d\.ts$/.test(item.name)) {
      files.push(full);
    }
  }
  return files;
}
function isPublic(member) {
  if (member.name === undefined || ts.isPrivateIdentifier(member.name)) return false;
  if (ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member)) return false;
  const flags = ts.getCombinedModifierFlags(member);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}
function memberName(member, checker) {
  if (member.name === undefined) return undefined;
  if (ts.isComputedPropertyName(member.name)) {
    const text = member.name.expression.getText();
    return text === 'Symbol.asyncIterator' ? '[Symbol.asyncIterator]' : undefined;
  }
  return checker.getSymbolAtLocation(member.name)?.getName() ?? member.name.getText();
}
function isStatic(member) {
  return (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0;
}
/** The class declarations a class inherits from, itself first, as long as they are ours (src/). */
function classChain(declaration, checker) {
  const chain = [];
  let current = declaration;
  while (current?.getSourceFile().fileName.startsWith(path.join(root, 'src'))) {
    chain.push(current);
    const heritage = current.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0];
    if (!base) break;
    let symbol = checker.getSymbolAtLocation(base.expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    current = symbol?.declarations?.find(ts.isClassDeclaration);
  }
  return chain;
}
/** Event names of an `interface XEvents` (and what it extends). */
function eventNames(type) {
  return type.getProperties().map((property) => property.getName());
}
function publicSurfaceReport() {
  const files = testFiles(path.join(root, 'test'));
  const program = ts.createProgram([entry, ...files], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    esModuleInterop: true,
  });
  const checker = program.getTypeChecker();
  const entryFile = program.getSourceFile(entry);
  const moduleSymbol = checker.getSymbolAtLocation(entryFile);
  const required = new Set();
  // Names of members per class declaration, for resolving uses.
  const classNames = new Map();
  const valueExports = new Map();
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const name = exported.getName();
    const classDeclaration = target.declarations?.find(ts.isClassDeclaration);
    if (classDeclaration) {
      classNames.set(classDeclaration, name);
      for (const declaration of classChain(classDeclaration, checker)) {
        for (const member of declaration.members) {
          if (!isPublic(member)) continue;
          const member_ = memberName(member, checker);
          if (member_ === undefined) continue;
          // Static members belong to the exported class itself only.
          if (isStatic(member) && declaration !== classDeclaration) continue;
          required.add(`${name}.${member_}`);
        }
      }
      // Events: the first type argument of EventEmitter<Events> somewhere up the chain.
      const instanceType = checker.getDeclaredTypeOfSymbol(target);
      const on = instanceType.getProperty('on');
      if (on) {
        const onType = checker.getTypeOfSymbolAtLocation(on, classDeclaration);
        const signature = onType.getCallSignatures()[0];
        const parameter = signature?.getParameters()[0];
        if (parameter) {
          const eventType = checker.getTypeOfSymbolAtLocation(parameter, classDeclaration);
          const constraint = eventType.isTypeParameter() ? checker.getBaseConstraintOfType(eventType) : eventType;
          const literals = constraint?.isUnion() ? constraint.types : constraint ? [constraint] : [];
          for (const literal of literals) if (literal.isStringLiteral()) required.add(`${name}#${literal.value}`);
          if (literals.length === 0 && eventType.isTypeParameter()) {
            // EventEmitter<T>'s on<K>(eventName: Key<K, T>): fall back to the Events interface.
            const heritage = classDeclaration.heritageClauses?.[0]?.types[0];
            const argument = heritage?.typeArguments?.[0];
            if (argument) for (const event of eventNames(checker.getTypeFromTypeNode(argument))) required.add(`${name}#${event}`);
          }
        }
      }
      continue;
    }
    const declaration = target.declarations?.[0];
    if (declaration && (ts.isFunctionDeclaration(declaration) || ts.isVariableDeclaration(declaration))) {
      valueExports.set(target, name);
      required.add(name);
      // Constant tables a user reads by key (Offsets.BEGINNING ...), not generated code tables.
      if (ts.isVariableDeclaration(declaration) && (name === 'Offsets' || name === 'ApiKeys')) {
        const type = checker.getTypeOfSymbolAtLocation(target, declaration);
        for (const key of type.getProperties()) required.add(`${name}.${key.getName()}`);
      }
    }
  }
  const used = new Set();
  const classNameOf = (type) => {
    const names = [];
    const types = type.isUnion() || type.isIntersection() ? type.types : [type];
    for (const part of types) {
      const symbol = part.getSymbol();
      const declaration = symbol?.declarations?.find(ts.isClassDeclaration);
      if (declaration && classNames.has(declaration)) names.push(classNames.get(declaration));
      // A class used as a value (statics): typeof MockCluster.
      const valueDeclaration = symbol?.valueDeclaration;
      if (valueDeclaration && ts.isClassDeclaration(valueDeclaration) && classNames.has(valueDeclaration)) {
        names.push(classNames.get(valueDeclaration));
      }
    }
    return [...new Set(names)];
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node) => {
      if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
        const member = ts.isPropertyAccessExpression(node)
          ? node.name.text
          : ts.isStringLiteral(node.argumentExpression)
            ? node.argumentExpression.text
            : node.argumentExpression.getText() === 'Symbol.asyncIterator'
              ? '[Symbol.asyncIterator]'
              : undefined;
        if (member !== undefined) {
          const receiver = checker.getTypeAtLocation(node.expression);
          for (const className of classNameOf(receiver)) used.add(`${className}.${member}`);
          let symbol = checker.getSymbolAtLocation(node.expression);
          if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
          const constant = symbol && valueExports.get(symbol);
          if (constant) used.add(`${constant}.${member}`);
        }
      }
      if (ts.isIdentifier(node)) {
        let symbol = checker.getSymbolAtLocation(node);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const value = symbol && valueExports.get(symbol);
        if (value && !ts.isImportSpecifier(node.parent)) used.add(value);
      }
      // consumer.on('rebalance', ...) and events.once(consumer, 'rebalance').
      if (ts.isCallExpression(node)) {
        const [first, second] = node.arguments;
        let receiver;
        let event;
        if (ts.isPropertyAccessExpression(node.expression) && LISTEN.has(node.expression.name.text)) {
          receiver = node.expression.expression;
          event = first;
        } else if (ts.isIdentifier(node.expression) && node.expression.text === 'once') {
          receiver = first;
          event = second;
        }
        if (receiver && event && ts.isStringLiteralLike(event)) {
          for (const className of classNameOf(checker.getTypeAtLocation(receiver))) used.add(`${className}#${event.text}`);
        }
      }
      // for await (const m of consumer): the async iterator.
      if (ts.isForOfStatement(node) && node.awaitModifier) {
        for (const className of classNameOf(checker.getTypeAtLocation(node.expression))) {
          used.add(`${className}.[Symbol.asyncIterator]`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const sorted = [...required].sort();
  return { required: sorted, uncovered: sorted.filter((key) => !used.has(key)) };
}

module.exports = { publicSurfaceReport };

if (require.main === module) {
  const report = publicSurfaceReport();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const key of report.uncovered) process.stdout.write(`${key}\n`);
    process.exitCode = report.uncovered.length === 0 ? 0 : 1;
  }
}
