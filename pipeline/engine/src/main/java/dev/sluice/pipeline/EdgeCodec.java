package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.CanonicalReader;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The canonical bytes on a node's edges: decodes its input only when asked, decodes its output at most once,
 * encodes what it computed, and hashes output bytes unless they are known. The readers and writers are those of
 * the calling thread's {@link NodeExecutor.NodeOutput}, so nothing here allocates a codec. Thread-safe.
 */
final class EdgeCodec {
    private final String nodeId;
    private final Schema<Object> inputSchema;
    private final Schema<Object> outputSchema;

    @SuppressWarnings("unchecked")
    EdgeCodec(Node node, Schema<?> inputSchema) {
        this.nodeId = node.id;
        this.inputSchema = (Schema<Object>) inputSchema;
        this.outputSchema = node.outputSchema;
    }

    /**
     * @param input the input value, or null if the node before left it as bytes
     * @param codec the calling thread's holder, whose reader is used
     * @return the input value, decoded from {@code in} if it was null
     */
    Object decodeInput(Object input, DirectBuffer in, int offset, int length, NodeExecutor.NodeOutput codec) {
        return input != null ? input : decode(inputSchema, in, offset, length, codec.reader);
    }

    /**
     * @param out the buffer the execution wrote its output bytes to (from index 0)
     * @return the output value, decoded (once) from the bytes if the execution left it as bytes
     */
    Object outputValue(NodeExecutor.NodeOutput result, DirectBuffer out) {
        if (result.value == null) {
            result.value = decode(outputSchema, out, 0, result.length, result.reader);
        }
        return result.value;
    }

    /** Encodes a value the node computed into {@code out} from index 0 and records it in {@code result}. */
    void encodeOutput(Object value, MutableDirectBuffer out, NodeExecutor.NodeOutput result) {
        try {
            result.length = encode(outputSchema, value, out, result.writer);
            result.value = value;
        } catch (BadInputException e) {
            throw unencodable(e);
        }
    }

    /** @return the canonical bytes of a value the node computed, in an array of their own */
    byte[] encodeOutput(Object value) {
        try {
            return outputSchema.encode(value);
        } catch (BadInputException e) {
            throw unencodable(e);
        }
    }

    private NodeFailedException unencodable(BadInputException e) {
        return new NodeFailedException(
                nodeId, "its output cannot be encoded as " + outputSchema.typeName() + ": " + e.getMessage(), e);
    }

    /** Copies output bytes that came from the cache, an adapter or a memo into {@code out}, undecoded. */
    static void acceptBytes(byte[] bytes, MutableDirectBuffer out, NodeExecutor.NodeOutput result) {
        out.putBytes(0, bytes);
        result.length = bytes.length;
    }

    /** {@link Schema#decode(DirectBuffer, int, int)} with a reused reader. */
    private static Object decode(
            Schema<Object> schema, DirectBuffer bytes, int offset, int length, CanonicalReader reader) {
        reader.wrap(bytes, offset, length);
        Object value = schema.readValue(reader);
        reader.expectEnd();
        return value;
    }

    /**
     * {@link Schema#encode(Object, MutableDirectBuffer, int)} at index 0 with a reused writer.
     *
     * @return the number of bytes written
     */
    static <T> int encode(Schema<T> schema, T value, MutableDirectBuffer out, CanonicalWriter writer) {
        schema.writeValue(value, writer.wrap(out, 0));
        return writer.position();
    }

    /**
     * @return the SHA-256 of the output bytes: known by the execution, else the input's when the output bytes are
     *     the input bytes (a gate that passes, a sink), else computed
     */
    static ContentHash outputHash(
            NodeExecutor.NodeOutput result,
            DirectBuffer out,
            ContentHash inputHash,
            DirectBuffer in,
            int offset,
            int length) {
        if (result.hash == null) {
            result.hash = sameBytes(in, offset, length, out, result.length)
                    ? inputHash
                    : ContentHash.of(out, 0, result.length);
        }
        return result.hash;
    }

    private static boolean sameBytes(DirectBuffer a, int offset, int length, DirectBuffer b, int bLength) {
        if (length != bLength) {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (a.getLong(offset + i) != b.getLong(i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.getByte(offset + i) != b.getByte(i)) {
                return false;
            }
        }
        return true;
    }
}
