import { create } from "zustand";
import { Overview } from "../api/schemas";

/** One sample for the charts: documents/s through each stage, and chunks/s embedded. */
export interface Sample {
  at: number;
  stages: Record<string, number>;
  chunks: number;
}

interface OpsState {
  overview: Overview | null;
  history: Sample[];
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
      const stages = Object.fromEntries(overview.stages.map((s) => [s.stage, s.documents_per_second]));
      const point = { at: Date.parse(overview.at), stages, chunks: overview.embedding.chunks_per_second };
      set({ overview, history: [...get().history, point].slice(-150) });
    });
    return () => events.close();
  },
}));
