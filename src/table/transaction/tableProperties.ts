/**
 * The table properties that govern commits and metadata files, with Iceberg's names and defaults.
 */

export const COMMIT_NUM_RETRIES = "commit.retry.num-retries";
export const COMMIT_NUM_RETRIES_DEFAULT = 4;
export const COMMIT_MIN_RETRY_WAIT_MS = "commit.retry.min-wait-ms";
export const COMMIT_MIN_RETRY_WAIT_MS_DEFAULT = 100;
export const COMMIT_MAX_RETRY_WAIT_MS = "commit.retry.max-wait-ms";
export const COMMIT_MAX_RETRY_WAIT_MS_DEFAULT = 60_000;
export const COMMIT_TOTAL_RETRY_TIME_MS = "commit.retry.total-timeout-ms";
export const COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT = 1_800_000;

/** How many earlier metadata files the metadata log keeps. */
export const METADATA_PREVIOUS_VERSIONS_MAX = "write.metadata.previous-versions-max";
export const METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT = 100;

/** Where manifests and manifest lists go; default `<table location>/metadata`. */
export const WRITE_METADATA_LOCATION = "write.metadata.path";

/** A non-negative integer property, or the default when it is unset or not a number. */
export function integerProperty(properties: Readonly<Record<string, string>>, key: string, defaultValue: number): number {
  const text = properties[key];
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return defaultValue;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : defaultValue;
}

export interface CommitRetryPolicy {
  numRetries: number;
  minWaitMs: number;
  maxWaitMs: number;
  totalTimeoutMs: number;
}

export function commitRetryPolicy(properties: Readonly<Record<string, string>>): CommitRetryPolicy {
  return {
    numRetries: integerProperty(properties, COMMIT_NUM_RETRIES, COMMIT_NUM_RETRIES_DEFAULT),
    minWaitMs: integerProperty(properties, COMMIT_MIN_RETRY_WAIT_MS, COMMIT_MIN_RETRY_WAIT_MS_DEFAULT),
    maxWaitMs: integerProperty(properties, COMMIT_MAX_RETRY_WAIT_MS, COMMIT_MAX_RETRY_WAIT_MS_DEFAULT),
    totalTimeoutMs: integerProperty(properties, COMMIT_TOTAL_RETRY_TIME_MS, COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT),
  };
}

/**
 * The wait before retry number `retry` (1 for the first): doubling from the minimum, capped at
 * the maximum, then drawn at random from its upper half — without that jitter, writers that
 * collided once wake together and collide again, and one that has backed off furthest keeps
 * losing to those retrying sooner. `random` returns a number in [0, 1).
 */
export function retryDelayMs(policy: CommitRetryPolicy, retry: number, random: () => number = Math.random): number {
  const delay = Math.min(policy.maxWaitMs, policy.minWaitMs * 2 ** Math.max(0, retry - 1));
  return Math.round(delay / 2 + (delay / 2) * random());
}

/** Where a table's manifests and manifest lists are written. */
export function metadataDirectory(location: string, properties: Readonly<Record<string, string>>): string {
  const configured = properties[WRITE_METADATA_LOCATION];
  const dir = configured !== undefined && configured !== "" ? configured : `${stripTrailingSlash(location)}/metadata`;
  return stripTrailingSlash(dir);
}

export function stripTrailingSlash(location: string): string {
  return location.length > 1 && location.endsWith("/") ? location.replace(/\/+$/, "") : location;
}
