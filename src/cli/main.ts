import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { FloeError } from "../core/errors/FloeError.js";
import { loadConfig } from "../core/config/loadConfig.js";
import type { FloeConfig } from "../core/config/settings.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./output/formatRows.js";
import { registerQuickstart } from "./commands/quickstart.js";
import { registerServe } from "./commands/serve.js";
import { registerSql } from "./commands/sql.js";
import { registerTable } from "./commands/table.js";

/** What every command handler gets: the resolved configuration and the streams to write to. */
export interface CliContext {
  config(): Promise<FloeConfig>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const EXIT_OK = 0;
/** The user gave something wrong: one line on stderr names it. */
export const EXIT_USER_ERROR = 1;
/** A bug or an environment failure inside floe. */
export const EXIT_INTERNAL_ERROR = 2;

const USER_ERROR_KINDS = new Set(["invalid-input", "not-found", "already-exists", "malformed", "unsupported", "commit-conflict", "unauthorized"]);

export function formatOption(): Option {
  return new Option("--format <format>", "output format").choices(OUTPUT_FORMATS as string[]).default("table");
}

export function parseFormat(value: string): OutputFormat {
  return value as OutputFormat;
}

/** A commander argument parser for positive integers, with an error that names the flag. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function buildProgram(ctx: Omit<CliContext, "config">): { program: Command; context: CliContext } {
  const program = new Command("floe")
    .description("floe: batch ELT, streaming, orchestration, backfills and Apache Iceberg tables, in one tool")
    .option("--warehouse <dir>", "warehouse root (env FLOE_WAREHOUSE; default ./warehouse)")
    .option("--catalog <uri>", "catalog URI: sqlite:PATH, postgresql://..., http(s)://.../iceberg (env FLOE_CATALOG)")
    .showSuggestionAfterError(false)
    .enablePositionalOptions(false);
  const context: CliContext = {
    ...ctx,
    config: () => {
      const opts = program.opts<{ warehouse?: string; catalog?: string }>();
      return loadConfig({ flags: { warehouse: opts.warehouse, catalog: opts.catalog } });
    },
  };
  registerQuickstart(program, context);
  registerServe(program, context);
  registerSql(program, context);
  registerTable(program, context);

  // Every command and subcommand: errors as one line, exit codes under our control.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: () => undefined,
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return { program, context };
}

/** Runs the floe command with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], streams: Omit<CliContext, "config"> = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const { program } = buildProgram(streams);
  if (argv.length === 0) {
    streams.stdout.write(program.helpInformation());
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    return reportError(error, streams.stderr);
  }
}

function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT_OK;
    stderr.write(`floe: ${error.message.replace(/^error: /, "")}\n`);
    return EXIT_USER_ERROR;
  }
  if (error instanceof FloeError) {
    stderr.write(`floe: ${error.message}\n`);
    if (process.env.FLOE_DEBUG && error.stack) stderr.write(`${error.stack}\n`);
    return USER_ERROR_KINDS.has(error.kind) ? EXIT_USER_ERROR : EXIT_INTERNAL_ERROR;
  }
  const err = error as Error;
  stderr.write(`floe: internal error: ${err?.message ?? String(error)}\n`);
  if (process.env.FLOE_DEBUG && err?.stack) stderr.write(`${err.stack}\n`);
  return EXIT_INTERNAL_ERROR;
}
