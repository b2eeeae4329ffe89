package dev.opentier.queryapi.chat;

import dev.opentier.proto.intelligence.v1.ChatEvent;
import dev.opentier.proto.intelligence.v1.ChatRequest;
import dev.opentier.proto.intelligence.v1.ChatServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code StreamChat} call, read as a queue by the HTTP handler's thread: intelligence's events
 * in order, then the end or the failure. The handler can cancel it (the client left) or wake it
 * (the gateway is shutting down).
 */
final class ChatCall implements ClientResponseObserver<ChatRequest, ChatEvent> {
  sealed interface Item permits Event, Failed, Ended, Woken {}

  record Event(ChatEvent event) implements Item {}

  record Failed(StatusRuntimeException error) implements Item {}

  record Ended() implements Item {}

  record Woken() implements Item {}

  private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
  private volatile ClientCallStreamObserver<ChatRequest> call;

  private ChatCall() {}

  static ChatCall start(Channel channel, CallCredentials caller, ChatRequest request) {
    ChatCall chat = new ChatCall();
    ChatServiceGrpc.newStub(channel).withCallCredentials(caller).streamChat(request, chat);
    return chat;
  }

  /** The next item, or null when none came within {@code wait}. */
  Item next(Duration wait) throws InterruptedException {
    return items.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Cancels the call: intelligence stops generating and stores what it has as partial. */
  void cancel(String why) {
    ClientCallStreamObserver<ChatRequest> current = call;
    if (current != null) current.cancel(why, null);
  }

  /** Makes a waiting {@link #next} return at once. */
  void wake() {
    items.add(new Woken());
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ChatRequest> call) {
    this.call = call;
  }

  @Override
  public void onNext(ChatEvent event) {
    items.add(new Event(event));
  }

  @Override
  public void onError(Throwable t) {
    items.add(new Failed(t instanceof StatusRuntimeException e ? e : Status.fromThrowable(t).asRuntimeException()));
  }

  @Override
  public void onCompleted() {
    items.add(new Ended());
  }
}
