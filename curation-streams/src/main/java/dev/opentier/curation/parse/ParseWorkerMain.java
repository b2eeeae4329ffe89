package dev.opentier.curation.parse;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * A parse worker: a process of its own that {@link IsolatedParser} starts, with a heap of its own.
 * It reads requests on standard input and answers on standard output (the protocol is
 * {@link IsolatedParser}'s); everything else it prints goes to standard error. It exits when its
 * input ends, when a parse overran the time limit without noticing (so the stuck thread ends with
 * the process), and on running out of memory ({@code -XX:+ExitOnOutOfMemoryError}).
 *
 * <p>Arguments: maximum bytes, maximum characters, time limit in milliseconds.
 */
public final class ParseWorkerMain {
  private ParseWorkerMain() {}

  /** A worker stuck in a parse does not read its input, so it would not notice its pipeline dying (kill -9): it checks. */
  private static void exitWithParent() {
    ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
    if (parent == null) return;
    Thread watch = new Thread(() -> {
      while (parent.isAlive()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
      Runtime.getRuntime().halt(0);
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  public static void main(String[] args) throws IOException {
    DataOutputStream answers = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(System.err); // nothing but answers on the answer stream (logging included)
    DocumentParser.Limits limits = new DocumentParser.Limits(Long.parseLong(args[0]), Integer.parseInt(args[1]),
        Duration.ofMillis(Long.parseLong(args[2])));
    DataInputStream requests = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
    exitWithParent();
    try (DocumentParser parser = new DocumentParser(limits)) {
      answers.writeByte(IsolatedParser.READY);
      answers.flush();
      while (true) {
        IsolatedParser.Request request;
        try {
          request = IsolatedParser.Request.read(requests);
        } catch (EOFException end) {
          return;
        }
        try {
          byte[] held = parser.parse(request.content(), request.name(), request.mediaType(), request.title()).toHeld();
          answers.writeByte(IsolatedParser.PARSED);
          answers.writeInt(held.length);
          answers.write(held);
        } catch (ParseException e) {
          answers.writeByte(e.nothingUsable() ? IsolatedParser.NOTHING_USABLE : IsolatedParser.FAILED);
          IsolatedParser.writeString(answers, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
          answers.writeByte(IsolatedParser.FAILED);
          IsolatedParser.writeString(answers, "cannot parse: " + e.getClass().getSimpleName() + ": " + DocumentParser.rootMessage(e));
        }
        boolean exiting = parser.abandoned() > 0;
        answers.writeBoolean(exiting);
        answers.flush();
        if (exiting) System.exit(0);
      }
    }
  }
}
