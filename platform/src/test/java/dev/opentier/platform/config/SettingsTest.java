package dev.opentier.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.kafka.KafkaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void unsetAndBlankSettingsFallBackToTheirDefaults() {
    Settings settings = Settings.of(Map.of("OPENTIER_HTTP_PORT", "  "));

    assertThat(settings.port("OPENTIER_HTTP_PORT", 8080)).isEqualTo(8080);
    assertThat(settings.string("OPENTIER_ANYTHING", "x")).isEqualTo("x");
  }

  @Test
  void aNumberThatIsNotANumberNamesTheSetting() {
    Settings settings = Settings.of(Map.of("OPENTIER_HTTP_PORT", "eighty"));

    assertThatThrownBy(() -> settings.port("OPENTIER_HTTP_PORT", 8080))
        .isInstanceOf(SettingException.class)
        .hasMessage("OPENTIER_HTTP_PORT: must be a whole number, got 'eighty'");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    Settings settings = Settings.of(Map.of("OPENTIER_HTTP_PORT", "70000"));

    assertThatThrownBy(() -> settings.port("OPENTIER_HTTP_PORT", 8080))
        .hasMessage("OPENTIER_HTTP_PORT: must be between 1 and 65535, got 70000");
  }

  @Test
  void aBootstrapListMustBeHostsAndPorts() {
    assertThat(KafkaSettings.from(Settings.of(Map.of("OPENTIER_KAFKA_BOOTSTRAP", "a:9092,b:9093"))).bootstrapServers())
        .isEqualTo("a:9092,b:9093");
    assertThatThrownBy(() -> KafkaSettings.from(Settings.of(Map.of("OPENTIER_KAFKA_BOOTSTRAP", "localhost"))))
        .hasMessageStartingWith("OPENTIER_KAFKA_BOOTSTRAP: must be host:port");
  }

  @Test
  void theDatabaseUrlMustBePostgres() {
    assertThatThrownBy(() -> DatabaseSettings.from(Settings.of(Map.of("OPENTIER_DB_URL", "jdbc:mysql://x/db"))))
        .hasMessage("OPENTIER_DB_URL: must be a jdbc:postgresql:// URL, got 'jdbc:mysql://x/db'");
  }

  @Test
  void theDisplayedDatabaseUrlLeavesOutParameters() {
    var settings = new DatabaseSettings("jdbc:postgresql://h:5432/db?password=secret", "u", "p", 1);

    assertThat(settings.displayUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
  }
}
