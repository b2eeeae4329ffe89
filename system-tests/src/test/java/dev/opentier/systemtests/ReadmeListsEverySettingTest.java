package dev.opentier.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's settings table stays true: every OPENTIER_* name the code reads is listed. */
class ReadmeListsEverySettingTest {
  private static final Pattern SETTING = Pattern.compile("OPENTIER_[A-Z0-9_]*[A-Z0-9]");
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everySettingInTheCodeAndLauncherIsInTheReadme() throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files.filter(Files::isRegularFile)
          .filter(ReadmeListsEverySettingTest::isSourceOrLauncher)
          .forEach(file -> collect(file, used));
    }
    collect(ROOT.resolve("opentier"), used);
    String readme = Files.readString(ROOT.resolve("README.md"));

    assertThat(used).isNotEmpty().contains("OPENTIER_DB_URL", "OPENTIER_HTTP_PORT", "OPENTIER_VAR_DIR");
    assertThat(used).allSatisfy(name -> assertThat(readme).as("README lists %s", name).contains("`" + name + "`"));
  }

  private static boolean isSourceOrLauncher(Path file) {
    String path = ROOT.relativize(file).toString();
    if (path.contains("/target/") || path.startsWith("var/") || path.startsWith(".git/")) return false;
    return (path.contains("/src/main/") && path.endsWith(".java"))
        || path.endsWith("ScratchDatabase.java") || path.endsWith("TestBroker.java")
        || (path.startsWith("scripts/") && path.endsWith(".sh"))
        // the deployment files: compose, the images' scripts, the Kubernetes manifests
        || (path.startsWith("docker/") && !path.startsWith("docker/k8s/overlays/example/internal/"))
        || path.endsWith("logback.xml");
  }

  private static void collect(Path file, Set<String> into) {
    try {
      Matcher matcher = SETTING.matcher(Files.readString(file));
      while (matcher.find()) into.add(matcher.group());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
