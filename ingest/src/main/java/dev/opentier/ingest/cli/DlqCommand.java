package dev.opentier.ingest.cli;

import dev.opentier.ingest.job.DeadLetters;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.pipeline.DeadLetter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./opentier dlq list|replay}: the dead-letter topic, read from the start, and replay of what is in it. */
@Command(name = "opentier dlq", mixinStandardHelpOptions = true,
    description = "Lists the dead letters (documents the pipeline could not process), or replays them onto opentier.documents as a new job.")
public final class DlqCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "list|replay")
  String action;

  @Option(names = "--job", description = "only the dead letters of this ingestion job")
  UUID job;

  @Option(names = "--document", description = "only the dead letters of this document id")
  String document;

  public static void main(String[] args) {
    CommandLine line = new CommandLine(new DlqCommand());
    line.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("opentier dlq: " + (e instanceof SettingException || e instanceof IllegalArgumentException ? e.getMessage() : e.toString()));
      return 2;
    });
    System.exit(line.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!action.equals("list") && !action.equals("replay")) throw new IllegalArgumentException("the action is list or replay, got '" + action + "'");
    Settings settings = Settings.fromEnvironment();
    KafkaSettings kafka = KafkaSettings.from(settings);
    List<DeadLetter> letters = DeadLetters.readAll(kafka).stream()
        .filter(l -> job == null || job.equals(l.jobId()))
        .filter(l -> document == null || document.equals(l.documentId()))
        .toList();
    if (action.equals("list")) {
      for (DeadLetter l : letters) {
        System.out.printf("%s  %s  job %s  [%s] %s%n", l.failedAt(), l.documentId(), l.jobId(), l.stage(), l.reason());
      }
      System.out.printf("%d dead letter(s)%n", letters.size());
      return 0;
    }
    try (Database database = Database.connect(DatabaseSettings.from(settings), "ingest");
         Ingestion ingestion = new Ingestion(database.dsl(), kafka)) {
      DeadLetters.Replay replay = DeadLetters.replayable(letters, database.dsl());
      if (replay.events().isEmpty()) {
        System.out.printf("nothing to replay (%d dead letter(s) cannot be replayed: not valid events, or their kept bytes expired)%n",
            replay.unreplayable());
        return 0;
      }
      UUID replayJob = ingestion.replay(replay.events(), null);
      System.out.printf("job %s: replayed %d document(s)%s%n", replayJob, replay.events().size(),
          replay.unreplayable() == 0 ? "" : "; " + replay.unreplayable() + " cannot be replayed (not valid events, or their kept bytes expired)");
    }
    return 0;
  }
}
