/**
 * Finds every SQL text given to a query call in src/ and the `${…}` expressions built into it
 * (reliability §6). A query call is `query(…)`, `.query(…)`, `.exec(…)`, `.copyFrom(…)` or
 * `.queryRows(…)`; its first argument is followed through one `const` of the same file when it
 * is a name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One `${…}` inside SQL given to a query call. */
export interface Interpolation {
  file: string;
  line: number;
  expression: string;
}

const CALLS = new Set(['query', 'exec', 'copyFrom', 'queryRows', 'queryOne']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const SQL_START =
  /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|COPY|LOCK|SET|TRUNCATE|DO|COMMENT|GRANT|VALUES|ON CONFLICT)\b/i;
const SQL_INSIDE = /\b(FROM|WHERE|INTO|JOIN|RETURNING|ON CONFLICT)\s/;

/**
 * Every interpolation in a template literal of `root`/src that looks like SQL (starts with a
 * statement keyword, or has FROM/WHERE/INTO/JOIN/RETURNING in its text), wherever it is built —
 * SQL assembled by a helper and passed on is caught too.
 */
export function scanSqlTemplates(root: string): Interpolation[] {
  const out: Interpolation[] = [];
  for (const path of files(join(root, 'src'))) {
    const text = readFileSync(path, 'utf8');
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isTemplateExpression(node)) {
        const literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(
          ' ',
        );
        if (SQL_START.test(node.head.text) || SQL_INSIDE.test(literal)) {
          for (const span of node.templateSpans) {
            const { line } = sf.getLineAndCharacterOfPosition(span.expression.getStart());
            out.push({
              file: relative(root, path),
              line: line + 1,
              expression: span.expression.getText(sf),
            });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Every interpolation in SQL passed to a query call under `root`/src. */
export function scanSql(root: string): Interpolation[] {
  const out: Interpolation[] = [];
  for (const path of files(join(root, 'src'))) {
    const text = readFileSync(path, 'utf8');
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const consts = new Map<string, ts.Expression>();
    const collect = (node: ts.Node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        consts.set(node.name.text, node.initializer);
      }
      ts.forEachChild(node, collect);
    };
    collect(sf);
    const templateOf = (e: ts.Expression | undefined, depth = 0): ts.TemplateExpression[] => {
      if (!e || depth > 2) return [];
      if (ts.isTemplateExpression(e)) return [e];
      if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) {
        return templateOf(e.expression, depth);
      }
      if (ts.isConditionalExpression(e)) {
        return [...templateOf(e.whenTrue, depth), ...templateOf(e.whenFalse, depth)];
      }
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        return [...templateOf(e.left, depth), ...templateOf(e.right, depth)];
      }
      if (ts.isIdentifier(e)) return templateOf(consts.get(e.text), depth + 1);
      if (ts.isObjectLiteralExpression(e)) {
        const textProp = e.properties.find(
          (p): p is ts.PropertyAssignment =>
            ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'text',
        );
        return templateOf(textProp?.initializer, depth);
      }
      return [];
    };
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isIdentifier(callee)
            ? callee.text
            : '';
        if (CALLS.has(name)) {
          for (const t of templateOf(node.arguments[0])) {
            for (const span of t.templateSpans) {
              const { line } = sf.getLineAndCharacterOfPosition(span.expression.getStart());
              out.push({
                file: relative(root, path),
                line: line + 1,
                expression: span.expression.getText(sf),
              });
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
