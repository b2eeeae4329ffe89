/**
 * Turns the answer's citation markers [n] into Markdown links to "#cite-n", so the renderer can show
 * each as a button that opens passage n. Only markers with a source become links; code spans and
 * blocks are left as they are.
 */
export function linkCitations(markdown: string, cited: Set<number>): string {
  return markdown
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/\[(\d{1,2})](?!\()/g, (marker, n: string) => (cited.has(Number(n)) ? `[[${n}]](#cite-${n})` : marker)),
    )
    .join("");
}
