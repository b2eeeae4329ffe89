package dev.opentier.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Include and exclude patterns mean what they mean in .gitignore. */
class FolderSourceTest {
  @TempDir
  Path folder;

  @Test
  void doubleStarSlashAlsoMatchesTheTopFolderAndTheSkippedFilesAreCounted() throws Exception {
    write("index.html", "a/page.html", "a/b/deep.html", "a/notes.txt", "readme.md");

    FolderSource source = new FolderSource(folder, List.of("**/*.html"), List.of(), 1_000_000);

    assertThat(names(source)).containsExactly("a/b/deep.html", "a/page.html", "index.html");
    assertThat(source.skipped()).isEqualTo(2);
  }

  @Test
  void aPatternWithoutASlashMatchesAtAnyDepthAndATrailingSlashMeansAWholeFolder() throws Exception {
    write("top.pdf", "drafts/one.pdf", "drafts/sub/two.pdf", "final/three.pdf", "final/drafts.txt");

    assertThat(names(new FolderSource(folder, List.of("*.pdf"), List.of("drafts/"), 1_000_000)))
        .containsExactly("final/three.pdf", "top.pdf");
    assertThat(names(new FolderSource(folder, List.of("/*.pdf"), List.of(), 1_000_000))).containsExactly("top.pdf");
    assertThat(names(new FolderSource(folder, List.of("drafts/**/*.pdf"), List.of(), 1_000_000)))
        .containsExactly("drafts/one.pdf", "drafts/sub/two.pdf");
  }

  @Test
  void documentIdsAreNamespacedByOwnerAndByTheFileAJsonlLineCameFrom() {
    java.util.UUID alice = java.util.UUID.randomUUID();
    java.util.UUID bob = java.util.UUID.randomUUID();
    String url = "https://example.org/docs/";

    assertThat(DocumentIds.owned(alice, url, DocumentIds.forUri(url))).isNotEqualTo(DocumentIds.owned(bob, url, DocumentIds.forUri(url)))
        .isNotEqualTo(DocumentIds.owned(null, url, DocumentIds.forUri(url)))
        .isEqualTo(DocumentIds.owned(alice, url, DocumentIds.forUri(url)));
    assertThat(DocumentIds.owned(null, "jsonl:/data/a.jsonl#42", "42")).isNotEqualTo(DocumentIds.owned(null, "jsonl:/data/b.jsonl#42", "42"));
  }

  private void write(String... names) throws Exception {
    for (String name : names) {
      Path file = folder.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "content of " + name);
    }
  }

  private List<String> names(FolderSource source) throws Exception {
    List<String> names = new ArrayList<>();
    source.forEach(d -> names.add(folder.toUri().relativize(java.net.URI.create(d.uri())).getPath()));
    return names;
  }
}
