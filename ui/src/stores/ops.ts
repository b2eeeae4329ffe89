import { create } from "zustand";
import { Overview } from "../api/schemas";

interface OpsState {
  overview: Overview | null;
  history: { at: number; documents: number; chunks: number }[];
  connected: boolean;
  watch(): () => void;
}

/** The operations overview, live from /api/ops/events; keeps the last few minutes for the charts. */
export const useOps = create<OpsState>((set, get) => ({
  overview: null,
  history: [],
  connected: false,
  watch() {
    const events = new EventSource("/api/ops/events");
    events.onopen = () => set({ connected: true });
    events.onerror = () => set({ connected: false });
    events.addEventListener("overview", (message: MessageEvent<string>) => {
      const overview = Overview.parse(JSON.parse(message.data));
      const documents = overview.stages.find((s) => s.stage === "index")?.documents_per_second ?? 0;
      const point = { at: Date.parse(overview.at), documents, chunks: overview.embedding.chunks_per_second };
      set({ overview, history: [...get().history, point].slice(-150) });
    });
    return () => events.close();
  },
}));
