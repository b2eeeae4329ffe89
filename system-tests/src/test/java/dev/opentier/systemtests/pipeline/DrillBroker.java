package dev.opentier.systemtests.pipeline;

import dev.opentier.systemtests.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Kafka broker of a drill's own, started by the launcher's own script ({@code start_broker}, as
 * {@code ./opentier up} starts one), so that a test may kill it without taking the suite's broker
 * with it. Killed with SIGKILL, it comes back on the same port with the same data.
 */
final class DrillBroker implements AutoCloseable {
  private static final String NAME = "drill-kafka";
  private final Path dir;
  private final int port;
  private final int controller;

  private DrillBroker(Path dir, int port, int controller) {
    this.dir = dir;
    this.port = port;
    this.controller = controller;
  }

  static DrillBroker start(Path dir) throws IOException, InterruptedException {
    DrillBroker broker = new DrillBroker(dir, FreePort.find(), FreePort.find());
    broker.start();
    return broker;
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Starts it (again): the launcher's start_broker, which returns once the port is open. */
  void start() throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; ROOT=\"$PWD\"; . scripts/launcher/common.sh; . scripts/launcher/jdk.sh; . scripts/launcher/kafka.sh; "
            + "RUN_DIR=\"$1/run\"; LOG_DIR=\"$1/log\"; start_broker " + NAME + " \"$1/kafka\" \"$2\" \"$3\"",
        "_", dir.toString(), Integer.toString(port), Integer.toString(controller))
        .directory(root.toFile()).redirectErrorStream(true);
    // the JDK that runs the tests runs the broker too
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("the launcher could not start the drill's broker: " + output + log());
    }
  }

  /** kill -9, and waits until the process is gone. */
  void kill() throws IOException {
    Path pidFile = dir.resolve("run").resolve(NAME + ".pid");
    if (!Files.exists(pidFile)) return;
    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(broker -> {
      broker.destroyForcibly();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !broker.isAlive());
    });
  }

  private String log() {
    try {
      return "\n" + Files.readString(dir.resolve("log").resolve(NAME + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    kill();
  }
}
