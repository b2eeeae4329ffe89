package dev.opentier.ingest.source;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Every regular file under a folder, recursively, in a stable (sorted) order. Include and exclude
 * globs match paths relative to the folder as in {@code .gitignore}: {@code **}{@code /} matches
 * any number of folders, none included ({@code **}{@code /*.html} takes {@code index.html} at the
 * top too); a pattern without a slash matches a name at any depth ({@code *.pdf}); a trailing
 * slash means everything under a folder ({@code drafts/}); a leading slash anchors to the folder.
 * With no include every file is taken. Hidden files and folders (a leading dot) are skipped. How
 * many files the patterns left out is counted ({@link #skipped()}).
 */
public final class FolderSource implements Source {
  private final Path root;
  private final List<PathMatcher> includes;
  private final List<PathMatcher> excludes;
  private final long maxBytes;
  private final AtomicInteger skipped = new AtomicInteger();

  public FolderSource(Path root, List<String> includeGlobs, List<String> excludeGlobs, long maxBytes) {
    this.root = root.toAbsolutePath().normalize();
    this.includes = includeGlobs.stream().map(FolderSource::matcher).toList();
    this.excludes = excludeGlobs.stream().map(FolderSource::matcher).toList();
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return "folder:" + root;
  }

  @Override
  public String kind() {
    return "folder";
  }

  @Override
  public void forEach(Consumer<SourceDocument> sink) throws IOException {
    if (!Files.isDirectory(root)) throw new IOException("no such folder: " + root);
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && dir.getFileName().toString().startsWith(".") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (!attrs.isRegularFile() || file.getFileName().toString().startsWith(".")) return FileVisitResult.CONTINUE;
        if (selected(root.relativize(file))) files.add(file);
        else skipped.incrementAndGet();
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        files.add(file); // read() turns it into a refusal with the reason
        return FileVisitResult.CONTINUE;
      }
    });
    files.sort(null);
    for (Path file : files) sink.accept(FileSource.read(file, maxBytes));
  }

  private boolean selected(Path relative) {
    boolean included = includes.isEmpty() || includes.stream().anyMatch(m -> m.matches(relative));
    return included && excludes.stream().noneMatch(m -> m.matches(relative));
  }

  /** Files the include and exclude patterns left out, once {@link #forEach} has run. */
  public int skipped() {
    return skipped.get();
  }

  /** One pattern as a matcher with .gitignore's meaning (see the class comment). */
  static PathMatcher matcher(String pattern) {
    String glob = pattern.strip().replace('\\', '/');
    if (glob.endsWith("/")) glob = glob + "**";
    if (glob.startsWith("/")) glob = glob.substring(1);
    else if (!glob.contains("/")) glob = "**/" + glob;
    List<PathMatcher> variants = new ArrayList<>();
    for (String variant : withoutEmptyFolders(glob)) variants.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
    return path -> variants.stream().anyMatch(m -> m.matches(path));
  }

  /** The glob and each form of it with some {@code **}{@code /} dropped, so that they may match no folder at all. */
  static List<String> withoutEmptyFolders(String glob) {
    List<String> forms = new ArrayList<>(List.of(glob));
    int at = glob.indexOf("**/");
    if (at < 0) return forms;
    String head = glob.substring(0, at);
    for (String rest : withoutEmptyFolders(glob.substring(at + 3))) {
      forms.add(head + "**/" + rest);
      forms.add(head + rest);
    }
    return forms.stream().distinct().toList();
  }
}
