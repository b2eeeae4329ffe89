import { linkCitations } from "./citations";

it("links the markers that have a source, and leaves code and unknown markers alone", () => {
  const text = "Bees dance [1] and sing [3]. See `arr[1]` and\n```\nx[2]\n```\nthen [2].";
  expect(linkCitations(text, new Set([1, 2]))).toBe(
    "Bees dance [[1]](#cite-1) and sing [3]. See `arr[1]` and\n```\nx[2]\n```\nthen [[2]](#cite-2).",
  );
});
