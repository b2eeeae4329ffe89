import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Sample } from "../stores/ops";

const COLOURS = ["#2563eb", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d", "#7c3aed", "#ea580c"];

/** Documents/s through each stage and chunks/s embedded over the last minutes (uPlot), redrawn as samples arrive. */
export function ThroughputChart({ samples }: { samples: Sample[] }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const stages = [...new Set(samples.flatMap((s) => Object.keys(s.stages)))].sort();
  const key = stages.join(",");

  useEffect(() => {
    if (!host.current) return;
    chart.current = new uPlot(
      {
        width: Math.min(720, host.current.clientWidth || 720),
        height: 200,
        series: [
          {},
          ...stages.map((stage, i) => ({ label: `${stage} docs/s`, stroke: COLOURS[i % COLOURS.length] })),
          { label: "chunks/s embedded", stroke: "#d97706", dash: [6, 4] },
        ],
        axes: [{ stroke: "currentColor" }, { stroke: "currentColor" }],
      },
      [[], ...stages.map(() => []), []],
      host.current,
    );
    return () => chart.current?.destroy();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    chart.current?.setData([
      samples.map((s) => s.at / 1000),
      ...stages.map((stage) => samples.map((s) => s.stages[stage] ?? 0)),
      samples.map((s) => s.chunks),
    ]);
  }, [samples, key]); // eslint-disable-line react-hooks/exhaustive-deps

  return <div ref={host} role="img" aria-label="documents per second through each stage, and chunks per second, over the last minutes" className="chart" />;
}
