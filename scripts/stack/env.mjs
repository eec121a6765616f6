// Where the dev stack lives and how to reach it: the single source of the
// ports, credentials and paths that `stack.mjs` starts and the stack tests use.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The project root (two folders above scripts/stack). */
export const projectRoot = path.resolve(here, "..", "..");

/** All state of the stack: installs, data, logs and pid files. Git-ignored. */
export const stackDir = path.join(projectRoot, ".stack");

export const host = "127.0.0.1";

export const ports = Object.freeze({
  postgres: 55432,
  redis: 56379,
  nats: 54222,
  natsMonitor: 58222,
  kafka: 59092,
  kafkaController: 59093,
  s3: 59000,
});

export const postgres = Object.freeze({ user: "postgres", database: "floe" });

export const s3 = Object.freeze({
  bucket: "floe-test",
  accessKeyId: "floe-test-access-key",
  secretAccessKey: "floe-test-secret-key",
  region: "us-east-1",
});

export const pythonPath = path.join(stackDir, "venv", "bin", "python");

/** The settings the stack provides, before any override from the environment. */
export function stackDefaults() {
  return {
    FLOE_TEST_POSTGRES_URL: `postgres://${postgres.user}@${host}:${ports.postgres}/${postgres.database}`,
    FLOE_TEST_REDIS_URL: `redis://${host}:${ports.redis}`,
    FLOE_TEST_NATS_URL: `nats://${host}:${ports.nats}`,
    FLOE_TEST_NATS_MONITOR_URL: `http://${host}:${ports.natsMonitor}`,
    FLOE_TEST_KAFKA_BROKERS: `${host}:${ports.kafka}`,
    FLOE_TEST_S3_ENDPOINT: `http://${host}:${ports.s3}`,
    FLOE_TEST_S3_BUCKET: s3.bucket,
    FLOE_TEST_S3_ACCESS_KEY_ID: s3.accessKeyId,
    FLOE_TEST_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    FLOE_TEST_S3_REGION: s3.region,
    FLOE_TEST_S3_FORCE_PATH_STYLE: "true",
    FLOE_TEST_S3_CONDITIONAL_WRITES: "true",
    FLOE_TEST_PYTHON: pythonPath,
  };
}

/**
 * The connection settings for tests: each FLOE_TEST_* variable already set in
 * the environment wins, so the same tests can run against services elsewhere.
 */
export function stackEnv(environment = process.env) {
  const settings = stackDefaults();
  for (const name of Object.keys(settings)) {
    const value = environment[name];
    if (value !== undefined && value !== "") settings[name] = value;
  }
  return settings;
}

/** The settings as `export NAME='value'` lines for a POSIX shell. */
export function exportLines(settings = stackDefaults()) {
  return Object.entries(settings).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
