import { useChat } from "./chat";

/** A fetch that answers the gateway's chat routes the way it does: JSON, and an SSE stream for the message. */
function gateway(events: string[], status = 200) {
  return vi.fn(async (url: string, init?: RequestInit) => {
    if (url.endsWith("/messages")) {
      if (status !== 200) {
        return new Response(JSON.stringify({ error: "intelligence_unavailable", message: "not reachable", request_id: "r" }), { status });
      }
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const e of events) controller.enqueue(new TextEncoder().encode(e));
          controller.close();
        },
      });
      expect(new Headers(init?.headers).get("Accept")).toBe("text/event-stream");
      return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
    }
    const conversation = { id: "c1", title: null, message_count: 0, last_message_preview: null, created_at: "x", last_activity_at: "x" };
    if (url.startsWith("/api/conversations?")) {
      return Response.json({ conversations: [{ ...conversation, title: "Bees", message_count: 2 }], next_cursor: null });
    }
    return Response.json(conversation);
  });
}

const passage = { chunk_id: "k", document_id: "d", title: "Bees", uri: "upload://u/bees.md", heading_path: ["Dance"], start_offset: 0, end_offset: 9, page: null, text: "Bees dance." };

beforeEach(() => useChat.setState({ conversations: [], currentId: null, messages: [], streaming: false, error: null, abort: null }));

it("streams an answer token by token, attaches its sources and ends extractive", async () => {
  vi.stubGlobal("fetch", gateway([
    ': stream opened\n\nid: 1\nevent: start\ndata: {"message_id":"m1","user_message_id":"q1","conversation_id":"c1"}\n\n',
    'id: 2\nevent: token\ndata: {"text":"Bees "}\n\nid: 3\nevent: token\ndata: {"text":"dance [1]."}\n\n',
    `id: 4\nevent: source\ndata: ${JSON.stringify({ index: 1, passage })}\n\n`,
    'id: 5\nevent: done\ndata: {"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"latency_ms":5,"time_to_first_token_ms":2,"model":"extractive","extractive":true,"title":"Bees"}\n\n',
  ]));
  await useChat.getState().ask("What do bees do?");
  const { messages, streaming, conversations } = useChat.getState();
  expect(streaming).toBe(false);
  expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  const answer = messages[1];
  expect(answer.id).toBe("m1");
  expect(answer.content).toBe("Bees dance [1].");
  expect(answer.sources.map((s) => s.passage.title)).toEqual(["Bees"]);
  expect(answer.extractive).toBe(true);
  expect(answer.partial).toBe(false);
  expect(answer.error).toBeUndefined();
  expect(conversations.map((c) => [c.title, c.message_count])).toEqual([["Bees", 2]]);
});

it("shows an error event as an error, never as answer text", async () => {
  vi.stubGlobal("fetch", gateway([
    'event: start\ndata: {"message_id":"m1","user_message_id":"q1","conversation_id":"c1"}\n\n',
    'event: error\ndata: {"code":"llm_unavailable","message":"the model failed"}\n\n',
  ]));
  await useChat.getState().ask("Hello?");
  const answer = useChat.getState().messages[1];
  expect(answer.content).toBe("");
  expect(answer.error).toEqual({ code: "llm_unavailable", message: "the model failed" });
});

it("reports a refused request (intelligence down) with the server's message", async () => {
  vi.stubGlobal("fetch", gateway([], 503));
  await useChat.getState().ask("Anyone?");
  expect(useChat.getState().messages[1].error).toEqual({ code: "intelligence_unavailable", message: "not reachable" });
});
