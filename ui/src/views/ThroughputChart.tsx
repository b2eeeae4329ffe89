import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Point {
  at: number;
  documents: number;
  chunks: number;
}

/** Documents/s (indexed) and chunks/s (embedded) over the last minutes, redrawn as samples arrive (uPlot). */
export function ThroughputChart({ points }: { points: Point[] }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    if (!host.current) return;
    chart.current = new uPlot(
      {
        width: Math.min(640, host.current.clientWidth || 640),
        height: 180,
        series: [{}, { label: "documents/s", stroke: "#2563eb" }, { label: "chunks/s", stroke: "#d97706" }],
        axes: [{ stroke: "currentColor" }, { stroke: "currentColor" }],
      },
      [[], [], []],
      host.current,
    );
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    chart.current?.setData([points.map((p) => p.at / 1000), points.map((p) => p.documents), points.map((p) => p.chunks)]);
  }, [points]);

  return <div ref={host} role="img" aria-label="documents and chunks per second over the last minutes" className="chart" />;
}
