/**
 * `CALL [catalog.][system.]procedure(arg, name => arg, ..)` for the Iceberg procedures
 * floe runs (`CALL_PROCEDURES`). Argument values are kept as their literal text.
 * The cursor stands after `CALL`.
 */
import { CALL_PROCEDURES, type CallArgument, type CallProcedure, type CallStatement } from "./ast.js";
import { atCommaOrWords, readExpression } from "./expressionText.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseCall(cursor: TokenCursor): CallStatement {
  const at = cursor.peek()?.start ?? 0;
  const name = cursor.qualifiedName("a procedure name");
  const procedure = name[name.length - 1].toLowerCase();
  if (name.length > 1 && name[name.length - 2].toLowerCase() !== "system") {
    throw cursor.errorAt(at, `procedure ${JSON.stringify(name.join("."))} is not in the system namespace (write system.${name[name.length - 1]})`);
  }
  if (!isProcedure(procedure)) {
    const message = `procedure ${JSON.stringify(procedure)} is not supported (floe runs ${CALL_PROCEDURES.join(", ")})`;
    throw cursor.errorAt(at, message, { kind: "unsupported" });
  }
  cursor.expectSymbol("(");
  const args: CallArgument[] = [];
  if (!cursor.isSymbol(")")) {
    do args.push(argument(cursor));
    while (cursor.acceptSymbol(","));
  }
  cursor.expectSymbol(")");
  cursor.expectEnd();
  return { kind: "call", procedure, args };
}

function isProcedure(name: string): name is CallProcedure {
  return (CALL_PROCEDURES as readonly string[]).includes(name);
}

function argument(cursor: TokenCursor): CallArgument {
  if (cursor.isIdentifier() && cursor.isSymbol("=>", 1)) {
    const name = cursor.identifier("an argument name");
    cursor.next("=>");
    return { name, value: readExpression(cursor, `a value for argument "${name}"`, atCommaOrWords()) };
  }
  return { value: readExpression(cursor, "an argument", atCommaOrWords()) };
}
