import { describe, it, expect } from "vitest";
import { AckPolicy, DeliverPolicy, StringCodec, connect } from "nats";
import { stackEnv } from "../../scripts/stack/env.mjs";

const { FLOE_TEST_NATS_URL } = stackEnv();

describe("stack: NATS JetStream", () => {
  it("creates a stream, publishes and consumes the messages back", async () => {
    const nc = await connect({ servers: FLOE_TEST_NATS_URL, timeout: 5000 });
    const jsm = await nc.jetstreamManager();
    const stream = `FLOE_STACK_SMOKE_${process.pid}_${Date.now()}`;
    const subject = `floe.stack.smoke.${process.pid}.${Date.now()}`;
    const codec = StringCodec();
    try {
      await jsm.streams.add({ name: stream, subjects: [subject] });
      const js = nc.jetstream();
      const first = await js.publish(subject, codec.encode("event-1"), { msgID: "event-1" });
      const duplicate = await js.publish(subject, codec.encode("event-1"), { msgID: "event-1" });
      await js.publish(subject, codec.encode("event-2"), { msgID: "event-2" });
      expect(first.seq).toBe(1);
      expect(duplicate.duplicate).toBe(true);

      await jsm.consumers.add(stream, { durable_name: "reader", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
      const consumer = await js.consumers.get(stream, "reader");
      const messages = await consumer.fetch({ max_messages: 2, expires: 5000 });
      const received: string[] = [];
      for await (const message of messages) {
        received.push(codec.decode(message.data));
        message.ack();
      }
      expect(received).toEqual(["event-1", "event-2"]);
      expect((await jsm.streams.info(stream)).state.messages).toBe(2);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.drain();
    }
  });
});
