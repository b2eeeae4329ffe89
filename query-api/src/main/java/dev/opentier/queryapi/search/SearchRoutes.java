package dev.opentier.queryapi.search;

import static dev.opentier.queryapi.auth.AuthGuard.principal;

import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.proto.intelligence.v1.SearchFilter;
import dev.opentier.proto.intelligence.v1.SearchMode;
import dev.opentier.proto.intelligence.v1.SearchRequest;
import dev.opentier.proto.intelligence.v1.SearchResponse;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.intelligence.GrpcErrors;
import dev.opentier.queryapi.intelligence.IntelligenceChannel;
import dev.opentier.queryapi.intelligence.Views.PassageView;
import io.grpc.StatusRuntimeException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code POST /api/search}: passages only (no answer), through intelligence, over what the caller may see. */
public final class SearchRoutes {
  private static final int MAX_QUERY_CHARS = 4_000;
  private static final int MAX_FILTER_VALUES = 100;

  public record SearchInput(String query, Integer topK, List<String> documentIds, List<String> sources, Map<String, String> metadata,
                            String mode) {}

  public record Results(List<PassageView> passages, long latencyMs) {}

  private final IntelligenceChannel intelligence;

  public SearchRoutes(IntelligenceChannel intelligence) {
    this.intelligence = intelligence;
  }

  public void search(Context ctx) {
    SearchInput input = ctx.bodyAsClass(SearchInput.class);
    String query = input.query() == null ? "" : input.query().strip();
    if (query.isEmpty() || query.length() > MAX_QUERY_CHARS) throw Params.invalid("query", "must be 1 to " + MAX_QUERY_CHARS + " characters");
    int topK = input.topK() == null ? 10 : input.topK();
    if (topK < 1 || topK > 200) throw Params.invalid("top_k", "must be between 1 and 200");
    SearchFilter.Builder filter = SearchFilter.newBuilder();
    if (input.documentIds() != null) filter.addAllDocumentIds(bounded("document_ids", input.documentIds()));
    if (input.sources() != null) filter.addAllSources(bounded("sources", input.sources()));
    if (input.metadata() != null) {
      if (input.metadata().size() > MAX_FILTER_VALUES) throw Params.invalid("metadata", "may hold at most " + MAX_FILTER_VALUES + " keys");
      filter.putAllMetadata(input.metadata());
    }
    SearchRequest request = SearchRequest.newBuilder()
        .setUserId(principal(ctx).userId().toString())
        .setQuery(query)
        .setTopK(topK)
        .setFilter(filter)
        .setMode(mode(input.mode()))
        .build();
    intelligence.requireReady();
    SearchResponse response;
    try {
      response = RetrievalServiceGrpc.newBlockingStub(intelligence.channel()).withCallCredentials(intelligence.actingFor(principal(ctx).userId()))
          .withDeadlineAfter(30, TimeUnit.SECONDS).search(request);
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toApi(e);
    }
    ctx.json(new Results(response.getPassagesList().stream().map(PassageView::of).toList(), response.getLatencyMs()));
  }

  private static SearchMode mode(String mode) {
    if (mode == null || mode.isBlank()) return SearchMode.SEARCH_MODE_HYBRID;
    return switch (mode.strip()) {
      case "hybrid" -> SearchMode.SEARCH_MODE_HYBRID;
      case "dense" -> SearchMode.SEARCH_MODE_DENSE;
      case "lexical" -> SearchMode.SEARCH_MODE_LEXICAL;
      default -> throw Params.invalid("mode", "must be hybrid, dense or lexical");
    };
  }

  private static List<String> bounded(String name, List<String> values) {
    if (values.size() > MAX_FILTER_VALUES) throw Params.invalid(name, "may hold at most " + MAX_FILTER_VALUES + " values");
    if (values.stream().anyMatch(v -> v == null || v.isBlank())) throw Params.invalid(name, "must not hold empty values");
    return values;
  }
}
