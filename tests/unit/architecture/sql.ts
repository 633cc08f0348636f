import ts from 'typescript';

// A statement keyword at the start, or the clause that gives a statement away anywhere.
const SQL =
  /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH)\s|\b(SELECT\s[\s\S]*\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET)\s/;

/** The string and template literals of a TypeScript source text that read as SQL. */
export function sqlStrings(text: string, fileName = 'file.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let literal: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
    else if (ts.isTemplateExpression(node)) {
      literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ');
    }
    if (literal !== undefined && SQL.test(literal)) found.push(literal.trim().slice(0, 60));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
