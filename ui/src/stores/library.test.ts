import { useLibrary } from "./library";

/** EventSource as the browser has it, driven by the test. */
class FakeEventSource {
  static last: FakeEventSource;
  listeners: Record<string, ((m: MessageEvent<string>) => void)[]> = {};
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, listener: (m: MessageEvent<string>) => void) {
    (this.listeners[name] ??= []).push(listener);
  }
  emit(name: string, data: unknown) {
    for (const l of this.listeners[name] ?? []) l(new MessageEvent(name, { data: JSON.stringify(data) }));
  }
  close() {
    this.closed = true;
  }
}

const progress = (indexed: number, finished: boolean) => ({
  job: { id: "j1", kind: "upload", source: "upload:u", status: "submitted", expected: 2, finished,
    outcomes: { indexed, unchanged: 0, rejected: 0, duplicate: 0, failed: 0, deleted: 0, chunks: indexed * 3 } },
  stages: { received: 2, parsed: 2, chunked: indexed, embedded: indexed },
  problems: [],
});

it("uploads the files as one job and follows it live until done, then reloads the list", async () => {
  const requests: { url: string; body: unknown }[] = [];
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    requests.push({ url, body: init?.body });
    if (url === "/api/documents") return Response.json({ job_id: "j1", files: 2, refused: [] }, { status: 202 });
    return Response.json({ documents: [], next_cursor: null });
  }));

  await useLibrary.getState().upload([new File(["a"], "a.md"), new File(["b"], "b.md")], "public");
  const form = requests[0].body as FormData;
  expect(form.getAll("files").map((f) => (f as File).name)).toEqual(["a.md", "b.md"]);
  expect(form.get("visibility")).toBe("public");
  expect(FakeEventSource.last.url).toBe("/api/ingestion/jobs/j1/events");

  FakeEventSource.last.emit("progress", progress(1, false));
  expect(useLibrary.getState().jobs[0]).toMatchObject({ id: "j1", done: false });
  expect(useLibrary.getState().jobs[0].progress?.job.outcomes.indexed).toBe(1);

  FakeEventSource.last.emit("done", progress(2, true));
  expect(useLibrary.getState().jobs[0].done).toBe(true);
  expect(FakeEventSource.last.closed).toBe(true);
  await vi.waitFor(() => expect(requests.some((r) => r.url.startsWith("/api/documents?"))).toBe(true));
});
