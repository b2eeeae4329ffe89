import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { Chat } from "./Chat";
import { useChat } from "../stores/chat";

const passage = { chunk_id: "k", document_id: "d", title: "Bee dances", uri: "upload://u/bees.md", heading_path: ["Foraging", "Dance"], start_offset: 0, end_offset: 30, page: 4, text: "The waggle dance points to food." };

beforeEach(() => {
  vi.stubGlobal("fetch", vi.fn(async () => Response.json({ conversations: [], next_cursor: null })));
});
afterEach(cleanup);

it("shows an extractive answer with its sources, and opens a cited passage", async () => {
  useChat.setState({
    currentId: "c1",
    streaming: false,
    messages: [
      { id: "q", role: "user", content: "How do bees find food?", sources: [], partial: false },
      {
        id: "a",
        role: "assistant",
        content: "Extractive answer (no language model is configured; these sentences are quoted from your documents): The waggle dance points to food [1].",
        sources: [{ index: 1, passage, withheld: false }],
        partial: false,
        extractive: true,
      },
    ],
  });
  await act(async () => render(<Chat />));
  // The app's note, once: the server's own sentence before the answer is not shown as well.
  expect(screen.getAllByText(/Extractive answer/)).toHaveLength(1);
  expect(screen.getByText(/The waggle dance points to food/).textContent).not.toContain("no language model");
  fireEvent.click(screen.getByRole("button", { name: "[1] Bee dances" }));
  const cited = screen.getByRole("complementary", { name: "Cited passage" });
  expect(cited.textContent).toContain("Foraging › Dance");
  expect(cited.textContent).toContain("page 4");
  expect(cited.textContent).toContain("The waggle dance points to food.");
  expect(screen.getByRole("button", { name: "Regenerate" })).toBeTruthy();
});

it("shows a failure as an error, with a stop button only while streaming", async () => {
  useChat.setState({
    currentId: "c1",
    streaming: true,
    messages: [
      { id: "q", role: "user", content: "Hello?", sources: [], partial: false },
      { id: "a", role: "assistant", content: "", sources: [], partial: true, error: { code: "llm_unavailable", message: "The model failed." } },
    ],
  });
  await act(async () => render(<Chat />));
  expect(screen.getByRole("alert").textContent).toBe("The model failed. (llm_unavailable)");
  expect(screen.getByRole("button", { name: "Stop" })).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
});
