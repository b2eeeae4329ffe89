package dev.opentier.queryapi.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON the database holds (jsonb columns), passed on to clients as it is. */
public final class StoredJson {
  private StoredJson() {}

  /** The stored text as a tree; null or empty is an empty object. */
  public static JsonNode tree(ObjectMapper mapper, String stored) {
    if (stored == null || stored.isBlank()) return mapper.createObjectNode();
    try {
      return mapper.readTree(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse", e);
    }
  }
}
