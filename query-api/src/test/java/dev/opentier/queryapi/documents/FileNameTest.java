package dev.opentier.queryapi.documents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNameTest {
  @Test
  void keepsRelativeFolderNamesAndDropsWhatCouldEscapeThem() {
    assertThat(DocumentRoutes.fileName("notes/2024/plan.md")).isEqualTo("notes/2024/plan.md");
    assertThat(DocumentRoutes.fileName("/etc/../../passwd")).isEqualTo("etc/passwd");
    assertThat(DocumentRoutes.fileName("C:\\\\Users\\\\me\\\\report.pdf")).isEqualTo("C:/Users/me/report.pdf");
    assertThat(DocumentRoutes.fileName("a\u0000b\n.txt")).isEqualTo("ab.txt");
    assertThat(DocumentRoutes.fileName("  ")).isEqualTo("unnamed");
    assertThat(DocumentRoutes.fileName(null)).isEqualTo("unnamed");
    assertThat(DocumentRoutes.fileName("x".repeat(600))).hasSize(500);
  }
}
