package dev.opentier.embedding;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Mean pooling and L2 normalisation appended to the model's own ONNX graph, so the runtime returns
 * one 384-float vector per text instead of every token's hidden state. On a GPU that keeps a batch's
 * hidden states (a hundred megabytes at 256 texts of 256 tokens) on the device; on a CPU it replaces a
 * Java loop with the runtime's vectorised kernels.
 *
 * <p>No ONNX parser is needed: a protobuf message that repeats an embedded message field is merged,
 * so the model's bytes followed by a {@code ModelProto} holding only a graph with the new nodes and
 * output are the model with those nodes added. The nodes use operators whose form is the same from
 * opset 11 up (Cast, Reshape, MatMul, Div, LpNormalization): the masked sum and the token count are
 * both matrix products with the attention mask.
 */
final class PooledGraph {
  static final String OUTPUT = "opentier_sentence_embedding";
  private static final String HIDDEN = "last_hidden_state";
  private static final String MASK = "attention_mask";

  // onnx.proto field numbers and enum values
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_NAME = 1;
  private static final int ATTRIBUTE_INT = 3;
  private static final int ATTRIBUTE_TENSOR = 5;
  private static final int ATTRIBUTE_TYPE = 20;
  private static final int ATTRIBUTE_TYPE_INT = 2;
  private static final int ATTRIBUTE_TYPE_TENSOR = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM_TYPE = 1;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  /** The nodes and output to add, as a serialized {@code ModelProto}: the same for every model. */
  private static final byte[] ADDITION = addition();

  private PooledGraph() {}

  /** {@code model} (an ONNX graph with a {@code last_hidden_state} output) with the pooled output added. */
  static byte[] append(byte[] model) {
    byte[] pooled = Arrays.copyOf(model, model.length + ADDITION.length);
    System.arraycopy(ADDITION, 0, pooled, model.length, ADDITION.length);
    return pooled;
  }

  private static byte[] addition() {
    Message graph = new Message()
        .message(GRAPH_NODE, constant("opentier_row_shape", 0, 1, -1))   // [batch, 1, tokens]
        .message(GRAPH_NODE, constant("opentier_column_shape", 0, -1, 1)) // [batch, tokens, 1]
        .message(GRAPH_NODE, node("Cast", "opentier_mask", new Message().string(ATTRIBUTE_NAME, "to")
            .int64(ATTRIBUTE_INT, FLOAT).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT), MASK))
        .message(GRAPH_NODE, node("Reshape", "opentier_mask_row", null, "opentier_mask", "opentier_row_shape"))
        .message(GRAPH_NODE, node("Reshape", "opentier_mask_column", null, "opentier_mask", "opentier_column_shape"))
        .message(GRAPH_NODE, node("MatMul", "opentier_sum", null, "opentier_mask_row", HIDDEN))
        .message(GRAPH_NODE, node("MatMul", "opentier_count", null, "opentier_mask_row", "opentier_mask_column"))
        .message(GRAPH_NODE, node("Div", "opentier_mean", null, "opentier_sum", "opentier_count"))
        .message(GRAPH_NODE, node("LpNormalization", OUTPUT, new Message().string(ATTRIBUTE_NAME, "axis")
            .int64(ATTRIBUTE_INT, -1).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT), "opentier_mean"))
        .message(GRAPH_OUTPUT, new Message().string(VALUE_INFO_NAME, OUTPUT).message(VALUE_INFO_TYPE,
            new Message().message(TYPE_TENSOR, new Message().int64(TENSOR_TYPE_ELEM_TYPE, FLOAT))));
    return new Message().message(MODEL_GRAPH, graph).bytes().toByteArray();
  }

  private static Message constant(String output, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : values) raw.putLong(value);
    Message tensor = new Message().int64(TENSOR_DIMS, values.length).int64(TENSOR_DATA_TYPE, INT64)
        .bytes(TENSOR_RAW_DATA, ByteString.copyFrom(raw.array()));
    return node("Constant", output, new Message().string(ATTRIBUTE_NAME, "value")
        .message(ATTRIBUTE_TENSOR, tensor).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_TENSOR));
  }

  private static Message node(String op, String output, Message attribute, String... inputs) {
    Message node = new Message();
    for (String input : inputs) node.string(NODE_INPUT, input);
    node.string(NODE_OUTPUT, output).string(NODE_NAME, output).string(NODE_OP_TYPE, op);
    if (attribute != null) node.message(NODE_ATTRIBUTE, attribute);
    return node;
  }

  /** A protobuf message written field by field. */
  private static final class Message {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

    Message string(int field, String value) {
      return write(() -> out.writeString(field, value));
    }

    Message int64(int field, long value) {
      return write(() -> out.writeInt64(field, value));
    }

    Message bytes(int field, ByteString value) {
      return write(() -> out.writeBytes(field, value));
    }

    Message message(int field, Message value) {
      return bytes(field, value.bytes());
    }

    ByteString bytes() {
      write(out::flush);
      return ByteString.copyFrom(buffer.toByteArray());
    }

    private Message write(Write step) {
      try {
        step.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // writing to memory
      }
      return this;
    }
  }

  @FunctionalInterface
  private interface Write {
    void run() throws IOException;
  }
}
