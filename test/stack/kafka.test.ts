import { describe, it, expect } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { stackEnv } from "../../scripts/stack/env.mjs";

const { FLOE_TEST_KAFKA_BROKERS } = stackEnv();

describe("stack: Kafka", () => {
  it("creates a topic, produces and consumes the messages back", async () => {
    const kafka = new Kafka({ clientId: "floe-stack-smoke", brokers: FLOE_TEST_KAFKA_BROKERS.split(","), logLevel: logLevel.ERROR });
    const topic = `floe-stack-smoke-${process.pid}-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      await producer.connect();
      await producer.send({
        topic,
        messages: [
          { key: "a", value: "first", partition: 0 },
          { key: "b", value: "second", partition: 1 },
          { key: "c", value: "third", partition: 0 },
        ],
      });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`consumed only ${JSON.stringify(received)} within 60s`)), 60_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              received.push(`${message.key?.toString()}=${message.value?.toString()}`);
              if (received.length === 3) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      expect(received.sort()).toEqual(["a=first", "b=second", "c=third"]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
