/**
 * docs/results.md, the fields of the `results` output, read from the code's own type with
 * the TypeScript compiler: `PackageResult` in src/results.ts and every type its fields
 * refer to (interfaces, `Omit<...>` and other mapped types, inline object types, unions
 * of string literals), each field with its type and its JSDoc comment. A field without a
 * comment of its own takes the comment of the one type it is declared as (`cost: PlanCost`,
 * `lifeCycle: LifeCycle | null`); one still without is reported, so the documentation
 * cannot silently miss one.
 */
import ts from 'typescript';

/** One documented field of a type. */
export interface FieldDoc {
  name: string;
  optional: boolean;
  /** The type as declared, such as `StatusItem[]` or `string | null`. */
  type: string;
  /** The JSDoc comment; empty when the field has none. */
  doc: string;
}

/** A type the fields refer to: an object type with fields, or a union of string literals. */
export interface TypeDoc {
  name: string;
  doc: string;
  fields?: FieldDoc[];
  values?: string[];
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  return oneLine(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
}

/**
 * The types reachable from `root` (an exported interface or type alias of `file`), root
 * first, in the order their fields name them.
 */
export function describeTypes(file: string, root: string): TypeDoc[] {
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file}: not found`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const rootSymbol =
    moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === root);
  if (!rootSymbol) throw new Error(`${file} exports no ${root}`);

  const printer = ts.createPrinter({ removeComments: true });
  const docs: TypeDoc[] = [];
  const seen = new Set<string>();
  const queue: { name: string; type: ts.Type; doc: string }[] = [
    {
      name: root,
      type: checker.getDeclaredTypeOfSymbol(rootSymbol),
      doc: docOf(rootSymbol, checker),
    },
  ];

  /** The declaration's symbol of a name, through imports. */
  const resolve = (name: ts.EntityName): ts.Symbol | undefined => {
    const symbol = checker.getSymbolAtLocation(name);
    return symbol && symbol.flags & ts.SymbolFlags.Alias
      ? checker.getAliasedSymbol(symbol)
      : symbol;
  };

  /** Queues the named types a field's declared type refers to. */
  const visit = (node: ts.TypeNode | undefined, owner: string): void => {
    if (!node) return;
    if (ts.isArrayTypeNode(node)) return visit(node.elementType, owner);
    if (ts.isUnionTypeNode(node)) return node.types.forEach((t) => visit(t, owner));
    if (ts.isParenthesizedTypeNode(node)) return visit(node.type, owner);
    if (ts.isTypeLiteralNode(node)) {
      queue.push({ name: owner, type: checker.getTypeFromTypeNode(node), doc: '' });
      return;
    }
    if (!ts.isTypeReferenceNode(node)) return;
    const name = oneLine(node.getText());
    const type = checker.getTypeFromTypeNode(node);
    const target = resolve(node.typeName);
    // A utility type of the standard library (Omit<Problem, 'file'>): its first argument's comment.
    const fromLib = target?.declarations?.some((d) =>
      program.isSourceFileDefaultLibrary(d.getSourceFile()),
    );
    const argument = node.typeArguments?.[0];
    const documented =
      fromLib && argument && ts.isTypeReferenceNode(argument) ? resolve(argument.typeName) : target;
    const doc = documented ? docOf(documented, checker) : '';
    if (isLiteralUnion(type) || checker.getPropertiesOfType(type).length > 0) {
      queue.push({ name, type, doc });
    }
  };

  /** The comment of the one named type a field is declared as, through `| null` and arrays. */
  const typeDoc = (node: ts.TypeNode | undefined): string => {
    const named: ts.TypeReferenceNode[] = [];
    let others = 0;
    const collect = (n: ts.TypeNode): void => {
      if (ts.isArrayTypeNode(n)) collect(n.elementType);
      else if (ts.isParenthesizedTypeNode(n)) collect(n.type);
      else if (ts.isUnionTypeNode(n)) n.types.forEach(collect);
      else if (ts.isTypeReferenceNode(n)) named.push(n);
      else if (!(ts.isLiteralTypeNode(n) && n.literal.kind === ts.SyntaxKind.NullKeyword)) others++;
    };
    if (node) collect(node);
    const symbol = named.length === 1 && others === 0 ? resolve(named[0]!.typeName) : undefined;
    return symbol ? docOf(symbol, checker) : '';
  };

  while (queue.length > 0) {
    const { name, type, doc } = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (isLiteralUnion(type)) {
      const values = (type as ts.UnionType).types.map((t) =>
        String((t as ts.StringLiteralType).value),
      );
      docs.push({ name, doc, values });
      continue;
    }
    const fields = checker.getPropertiesOfType(type).map((property): FieldDoc => {
      const declaration = property.declarations?.find(ts.isPropertySignature);
      const typeNode = declaration?.type;
      visit(typeNode, `${name}.${property.name}`);
      return {
        name: property.name,
        optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
        type: typeNode
          ? oneLine(printer.printNode(ts.EmitHint.Unspecified, typeNode, typeNode.getSourceFile()))
          : checker.typeToString(checker.getTypeOfSymbol(property)),
        doc: docOf(property, checker) || typeDoc(typeNode),
      };
    });
    docs.push({ name, doc, fields });
  }
  return docs;
}

function isLiteralUnion(type: ts.Type): boolean {
  return type.isUnion() && type.types.every((t) => t.isStringLiteral());
}

/** Fields without a JSDoc comment, as `Type.field`. */
export function undocumented(types: readonly TypeDoc[]): string[] {
  return types.flatMap((t) =>
    (t.fields ?? []).filter((f) => !f.doc).map((f) => `${t.name}.${f.name}`),
  );
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Text for a table cell: a pipe would end the cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The markdown of docs/results.md. */
export function resultsMarkdown(types: readonly TypeDoc[], generatedFrom: string): string {
  const typeCell = (type: string) => {
    const refers = types.filter((t) => t.name !== types[0]?.name && type.includes(t.name));
    const see = refers.map((t) => `[\`${cell(t.name)}\`](#${anchorOf(t.name)})`).join(', ');
    return `\`${cell(type)}\`${see ? ` (see ${see})` : ''}`;
  };
  const lines = [
    `<!-- Generated by scripts/generate.ts from ${generatedFrom}. Do not edit. -->`,
    '',
    '# The `results` output',
    '',
    'A JSON array with one object per manifest of the run, in the order of the `manifest` input. Each object is a `PackageResult`; the types its fields refer to follow it. A field marked optional may be absent; `null` means the run does not know the value.',
    '',
    'The `plan` output is a JSON array with one object per manifest that was planned: its `manifest`, `name` and `group` as in `PackageResult`, and the fields of its [`PackagePlan`](#packageplan).',
  ];
  for (const type of types) {
    lines.push('', `## \`${type.name}\``, '');
    if (type.doc) lines.push(type.doc, '');
    if (type.values) {
      lines.push(`One of ${type.values.map((v) => `\`${v}\``).join(', ')}.`);
      continue;
    }
    lines.push('| Field | Type | Meaning |', '| --- | --- | --- |');
    for (const field of type.fields ?? []) {
      const name = `\`${field.name}\`${field.optional ? ' (optional)' : ''}`;
      lines.push(`| ${name} | ${typeCell(field.type)} | ${cell(field.doc)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
