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
import java.util.function.Consumer;

/**
 * Every regular file under a folder, recursively, in a stable (sorted) order. Include and exclude
 * globs match paths relative to the folder ({@code **}{@code /*.pdf}, {@code drafts/**}); with no
 * include every file is taken. Hidden files and folders (a leading dot) are skipped.
 */
public final class FolderSource implements Source {
  private final Path root;
  private final List<PathMatcher> includes;
  private final List<PathMatcher> excludes;
  private final long maxBytes;

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
        if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".") && selected(root.relativize(file))) {
          files.add(file);
        }
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

  private static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }
}
