import { create } from "zustand";
import { z } from "zod";
import { api, ApiError, send } from "../api/http";
import { readEvents } from "../api/sse";
import {
  Conversation,
  ConversationDetail,
  ConversationPage,
  DoneEvent,
  ErrorEvent,
  Source,
  StartEvent,
  TokenEvent,
  type Message,
} from "../api/schemas";

/** A message as the chat shows it: stored, or the answer streaming in now. */
export interface ChatMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  sources: Source[];
  partial: boolean;
  extractive?: boolean;
  error?: { code: string; message: string };
}

interface ChatState {
  conversations: Conversation[];
  currentId: string | null;
  messages: ChatMessage[];
  streaming: boolean;
  error: string | null;
  abort: AbortController | null;
  loadConversations(): Promise<void>;
  open(id: string): Promise<void>;
  create(): Promise<string>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  ask(question: string): Promise<void>;
  stop(): void;
}

const fromStored = (m: Message): ChatMessage => ({ ...m });

/**
 * Conversations and the answer being streamed. {@link ChatState.ask} reads the gateway's event
 * stream: tokens append to the answer as they arrive, sources attach to it, an error event marks it
 * as failed (shown as an error, never as answer text), and stop() cancels the request (the server
 * keeps the partial answer).
 */
export const useChat = create<ChatState>((set, get) => ({
  conversations: [],
  currentId: null,
  messages: [],
  streaming: false,
  error: null,
  abort: null,

  async loadConversations() {
    const page = await api("GET", "/api/conversations?limit=100", ConversationPage);
    set({ conversations: page.conversations });
  },

  async open(id) {
    const detail = await api("GET", `/api/conversations/${id}`, ConversationDetail);
    set({ currentId: id, messages: detail.messages.map(fromStored), error: null });
  },

  async create() {
    const conversation = await api("POST", "/api/conversations", Conversation, {});
    set({ conversations: [conversation, ...get().conversations], currentId: conversation.id, messages: [], error: null });
    return conversation.id;
  },

  async rename(id, title) {
    const renamed = await api("PATCH", `/api/conversations/${id}`, Conversation, { title });
    set({ conversations: get().conversations.map((c) => (c.id === id ? renamed : c)) });
  },

  async remove(id) {
    await api("DELETE", `/api/conversations/${id}`, z.unknown());
    const current = get().currentId === id;
    set({ conversations: get().conversations.filter((c) => c.id !== id), ...(current ? { currentId: null, messages: [] } : {}) });
  },

  async ask(question) {
    if (get().streaming) return;
    const id = get().currentId ?? (await get().create());
    const abort = new AbortController();
    const answerKey = `pending-${Date.now()}`;
    set({
      streaming: true,
      error: null,
      abort,
      messages: [
        ...get().messages,
        { id: `question-${Date.now()}`, role: "user", content: question, sources: [], partial: false },
        { id: answerKey, role: "assistant", content: "", sources: [], partial: true },
      ],
    });
    const update = (change: (m: ChatMessage) => ChatMessage) =>
      set({ messages: get().messages.map((m) => (m.id === answerKey || m.id === currentAnswerId ? change(m) : m)) });
    let currentAnswerId = answerKey;
    try {
      const response = await send("POST", `/api/conversations/${id}/messages`, { message: question }, "text/event-stream", abort.signal);
      if (!response.body) throw new ApiError(502, "no_stream", "the server sent no stream");
      for await (const event of readEvents(response.body)) {
        const data: unknown = JSON.parse(event.data);
        switch (event.event) {
          case "start": {
            const start = StartEvent.parse(data);
            update((m) => ({ ...m, id: start.message_id }));
            currentAnswerId = start.message_id;
            break;
          }
          case "token": {
            const token = TokenEvent.parse(data);
            update((m) => ({ ...m, content: m.content + token.text }));
            break;
          }
          case "source": {
            const source = Source.parse(data);
            update((m) => ({ ...m, sources: [...m.sources, source] }));
            break;
          }
          case "done": {
            const done: DoneEvent = DoneEvent.parse(data);
            update((m) => ({ ...m, partial: false, extractive: done.extractive }));
            if (done.title) {
              set({ conversations: get().conversations.map((c) => (c.id === id ? { ...c, title: done.title } : c)) });
            }
            break;
          }
          case "error": {
            const error = ErrorEvent.parse(data);
            update((m) => ({ ...m, error }));
            break;
          }
        }
      }
    } catch (e) {
      if (abort.signal.aborted) {
        update((m) => ({ ...m, partial: true }));
      } else {
        const message = e instanceof ApiError ? e.message : "The answer could not be read.";
        const code = e instanceof ApiError ? e.code : "stream_failed";
        update((m) => ({ ...m, error: { code, message } }));
      }
    } finally {
      set({ streaming: false, abort: null });
      await get().loadConversations().catch(() => undefined); // titles, counts and order have changed
    }
  },

  stop() {
    get().abort?.abort();
  },
}));
