// Types of env.mjs for the TypeScript tests that import it.

export interface StackSettings {
  FLOE_TEST_POSTGRES_URL: string;
  FLOE_TEST_REDIS_URL: string;
  FLOE_TEST_NATS_URL: string;
  FLOE_TEST_NATS_MONITOR_URL: string;
  FLOE_TEST_KAFKA_BROKERS: string;
  FLOE_TEST_S3_ENDPOINT: string;
  FLOE_TEST_S3_BUCKET: string;
  FLOE_TEST_S3_ACCESS_KEY_ID: string;
  FLOE_TEST_S3_SECRET_ACCESS_KEY: string;
  FLOE_TEST_S3_REGION: string;
  /** "true" when the endpoint needs path-style addressing (http://host/bucket/key). */
  FLOE_TEST_S3_FORCE_PATH_STYLE: string;
  /** "true" when the S3 server honours If-None-Match / If-Match on PutObject. */
  FLOE_TEST_S3_CONDITIONAL_WRITES: string;
  /** The Python interpreter of the stack's virtual environment (PyIceberg, PyArrow). */
  FLOE_TEST_PYTHON: string;
}

export declare const projectRoot: string;
export declare const stackDir: string;
export declare const host: string;
export declare const ports: Readonly<{
  postgres: number;
  redis: number;
  nats: number;
  natsMonitor: number;
  kafka: number;
  kafkaController: number;
  s3: number;
}>;
export declare const postgres: Readonly<{ user: string; database: string }>;
export declare const s3: Readonly<{ bucket: string; accessKeyId: string; secretAccessKey: string; region: string }>;
export declare const pythonPath: string;

export declare function stackDefaults(): StackSettings;
export declare function stackEnv(environment?: Record<string, string | undefined>): StackSettings;
export declare function exportLines(settings?: StackSettings): string[];
