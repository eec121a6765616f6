// Apache Kafka 4 in KRaft mode, one node that is broker and controller, run from Maven Central jars.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { host, ports, stackDir } from "../env.mjs";
import { StackError, logFile, run, runningPid, startDetached, stopService, which } from "../lib/process.mjs";
import { findJava } from "../lib/system.mjs";

export const kafkaVersion = "4.1.1";
const log4jVersion = "2.24.3";
const minimumJava = 17;

const home = path.join(stackDir, "kafka");
const libDir = path.join(home, "libs");
const libMarker = path.join(libDir, ".resolved");
const dataDir = path.join(home, "data");
const configFile = path.join(home, "server.properties");
const log4jFile = path.join(home, "log4j2.properties");
const toolLog4jFile = path.join(home, "log4j2-tools.properties");
const clusterIdFile = path.join(home, "cluster-id");
const signature = "kafka.Kafka";

/** kafka_2.13 brings the server and its runtime dependencies; log4j-core and the SLF4J 1.x binding make it log. */
function pom() {
  const dependency = (groupId, artifactId, version) =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>floe.stack</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${kafkaVersion}</version>
  <packaging>pom</packaging>
  <dependencies>
${dependency("org.apache.kafka", "kafka_2.13", kafkaVersion)}
${dependency("org.apache.logging.log4j", "log4j-core", log4jVersion)}
${dependency("org.apache.logging.log4j", "log4j-slf4j-impl", log4jVersion)}
  </dependencies>
</project>
`;
}

function serverProperties() {
  return [
    "# floe dev stack: one KRaft node, loopback only",
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "auto.create.topics.enable=true",
    "delete.topic.enable=true",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=4",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "log.flush.interval.messages=9223372036854775807",
    "",
  ].join("\n");
}

function log4jProperties(level) {
  return [
    "status = warn",
    "appender.out.type = Console",
    "appender.out.name = OUT",
    "appender.out.layout.type = PatternLayout",
    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
    `rootLogger.level = ${level}`,
    "rootLogger.appenderRef.out.ref = OUT",
    "logger.state.name = state.change.logger",
    "logger.state.level = WARN",
    "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
    "logger.config.level = WARN",
    "",
  ].join("\n");
}

let javaBinary;
async function java() {
  javaBinary ??= await findJava(minimumJava);
  if (!javaBinary) throw new StackError(`kafka: needs Java ${minimumJava} or newer`);
  return javaBinary;
}

function librariesResolved() {
  try {
    return fs.readFileSync(libMarker, "utf8").trim() === kafkaVersion;
  } catch {
    return false;
  }
}

export const kafkaService = {
  name: "kafka",
  port: ports.kafka,
  otherPorts: [ports.kafkaController],
  address: `${host}:${ports.kafka}`,

  async aptPackages() {
    const missing = [];
    if (!(await findJava(minimumJava))) missing.push("openjdk-17-jre-headless");
    if (!librariesResolved() && !which("mvn")) missing.push("maven");
    return missing;
  },

  async install(ctx) {
    if (librariesResolved()) return;
    ctx.progress(`resolving kafka_2.13 ${kafkaVersion} and its dependencies with Maven`);
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "pom.xml"), pom());
    fs.rmSync(libDir, { recursive: true, force: true });
    await run(
      which("mvn"),
      ["-B", "-q", "-f", path.join(home, "pom.xml"), "dependency:copy-dependencies", `-DoutputDirectory=${libDir}`, "-DincludeScope=runtime"],
      { cwd: home, logFile: logFile("maven") },
    );
    fs.writeFileSync(libMarker, `${kafkaVersion}\n`);
  },

  runningPid() {
    return runningPid(this.name, signature);
  },

  async start(ctx) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(configFile, serverProperties());
    fs.writeFileSync(log4jFile, log4jProperties("INFO"));
    fs.writeFileSync(toolLog4jFile, log4jProperties("WARN"));
    const classpath = `${libDir}/*`;
    if (!fs.existsSync(path.join(dataDir, "meta.properties"))) {
      // A base64url id may start with "-"; it is passed as --cluster-id=ID so it is never read as a flag.
      if (!fs.existsSync(clusterIdFile)) fs.writeFileSync(clusterIdFile, `${crypto.randomBytes(16).toString("base64url")}\n`);
      const clusterId = fs.readFileSync(clusterIdFile, "utf8").trim();
      ctx.progress(`formatting the KRaft storage (cluster ${clusterId})`);
      await run(
        await java(),
        ["-cp", classpath, `-Dlog4j2.configurationFile=${toolLog4jFile}`, "kafka.tools.StorageTool", "format", `--cluster-id=${clusterId}`, "--config", configFile],
        { cwd: home, logFile: logFile(this.name) },
      );
    }
    const jvm = ["-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true", `-Dlog4j2.configurationFile=${log4jFile}`];
    startDetached(this.name, await java(), [...jvm, "-cp", classpath, "kafka.Kafka", configFile], { cwd: home });
  },

  /** A real metadata round trip: the admin client lists the topics. */
  async health() {
    const { Kafka, logLevel } = await import("kafkajs");
    const kafka = new Kafka({
      clientId: "floe-stack-health",
      brokers: [`${host}:${ports.kafka}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  },

  /**
   * Looks up a group coordinator until one answers: on a new broker this creates
   * __consumer_offsets, so the first consumer group of a test joins at once.
   */
  async ready() {
    const { Kafka, logLevel } = await import("kafkajs");
    const kafka = new Kafka({
      clientId: "floe-stack-ready",
      brokers: [`${host}:${ports.kafka}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.describeGroups(["floe-stack-ready"]);
    } finally {
      await admin.disconnect();
    }
  },

  stop() {
    return stopService(this.name, signature, { graceMs: 45_000 });
  },
};
