package dev.opentier.intelligence.retrieval;

import dev.opentier.intelligence.Requests;
import dev.opentier.proto.intelligence.v1.Passage;
import dev.opentier.proto.intelligence.v1.RetrievalServiceGrpc;
import dev.opentier.proto.intelligence.v1.SearchRequest;
import dev.opentier.proto.intelligence.v1.SearchResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.UUID;

/** {@code RetrievalService.Search}: validates the request, runs {@link HybridRetriever}, returns passages. */
public final class RetrievalGrpcService extends RetrievalServiceGrpc.RetrievalServiceImplBase {
  public static final int MAX_TOP_K = 200;
  public static final int MAX_QUERY_CHARS = 4_000;

  private final HybridRetriever retriever;
  private final Passages passages;

  public RetrievalGrpcService(HybridRetriever retriever, Passages passages) {
    this.retriever = retriever;
    this.passages = passages;
  }

  @Override
  public void search(SearchRequest request, StreamObserver<SearchResponse> response) {
    long started = System.nanoTime();
    UUID user = Requests.caller(request.getUserId());
    String query = request.getQuery().strip();
    if (query.isEmpty() || query.length() > MAX_QUERY_CHARS) {
      throw Status.INVALID_ARGUMENT.withDescription("query must be 1 to " + MAX_QUERY_CHARS + " characters").asRuntimeException();
    }
    int topK = request.getTopK() == 0 ? 10 : request.getTopK();
    if (topK < 1 || topK > MAX_TOP_K) throw Status.INVALID_ARGUMENT.withDescription("top_k must be 1 to " + MAX_TOP_K).asRuntimeException();
    HybridRetriever.Mode mode = switch (request.getMode()) {
      case SEARCH_MODE_DENSE -> HybridRetriever.Mode.DENSE;
      case SEARCH_MODE_LEXICAL -> HybridRetriever.Mode.LEXICAL;
      default -> HybridRetriever.Mode.HYBRID;
    };
    var filter = new HybridRetriever.Filter(request.getFilter().getDocumentIdsList(), request.getFilter().getSourcesList(),
        request.getFilter().getMetadataMap());
    var hits = retriever.search(user, query, topK, filter, mode);
    SearchResponse.Builder answer = SearchResponse.newBuilder();
    for (Passage passage : passages.of(hits)) answer.addPassages(passage);
    response.onNext(answer.setLatencyMs((System.nanoTime() - started) / 1_000_000).build());
    response.onCompleted();
  }
}
