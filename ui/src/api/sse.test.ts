import { parseEvents, readEvents } from "./sse";

describe("parseEvents", () => {
  it("reads numbered events, skips heartbeats and keeps an unfinished event for later", () => {
    const { events, rest } = parseEvents(': stream opened\n\nid: 1\nevent: start\ndata: {"a":1}\n\n: heartbeat\n\nid: 2\nevent: tok');
    expect(events).toEqual([{ id: "1", event: "start", data: '{"a":1}' }]);
    expect(rest).toBe("id: 2\nevent: tok");
  });

  it("joins multi-line data and accepts CRLF", () => {
    const { events } = parseEvents("event: token\r\ndata: one\r\ndata: two\r\n\r\n");
    expect(events).toEqual([{ id: null, event: "token", data: "one\ntwo" }]);
  });
});

describe("readEvents", () => {
  it("reassembles events split across chunks, even inside a multi-byte character", async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"é"}\n\nevent: done\ndata: {}\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readEvents(body)) events.push(event);
    expect(events.map((e) => e.event)).toEqual(["token", "done"]);
    expect(JSON.parse(events[0].data).text).toBe("é");
  });
});
