package dev.opentier.systemtests;

import dev.opentier.platform.service.InternalCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The services' shared secret and mutual-TLS certificates, made by the launcher's own script
 * ({@code scripts/launcher/secrets.sh}, as {@code ./opentier up} makes them) in a directory of the
 * test's, and the settings that give them to a service.
 */
public final class LocalCredentials {
  public final Path dir;

  private LocalCredentials(Path dir) {
    this.dir = dir;
  }

  public static LocalCredentials make(Path dir) throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Process process = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; ROOT=\"$PWD\"; . scripts/launcher/common.sh; . scripts/launcher/secrets.sh; ensure_internal_credentials \"$1\"", "_", dir.toString())
        .directory(root.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("the launcher could not make the services' credentials: " + output);
    }
    return new LocalCredentials(dir);
  }

  /** The settings of one service ("query-api" or "intelligence"): the secret file and its certificate. */
  public Map<String, String> settings(String service) {
    return Map.of(InternalCalls.SECRET_FILE, dir.resolve("internal-secret").toString(),
        InternalCalls.TLS_CA, dir.resolve("ca.crt").toString(),
        InternalCalls.TLS_CERT, dir.resolve(service + ".crt").toString(),
        InternalCalls.TLS_KEY, dir.resolve(service + ".key").toString());
  }

  public String secret() throws IOException {
    return Files.readString(dir.resolve("internal-secret")).strip();
  }
}
