package dev.sluice.pipeline;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Runs a sink node once: the side effect on the input value, which passes through as the same bytes. Thread-safe. */
final class SinkExecution implements NodeExecution {
    private final SinkNode node;
    private final EdgeCodec codec;

    SinkExecution(SinkNode node, EdgeCodec codec) {
        this.node = node;
        this.codec = codec;
    }

    /** @param input the input value, or null to decode it from the bytes */
    void execute(
            Object input,
            DirectBuffer in,
            int offset,
            int length,
            MutableDirectBuffer out,
            NodeExecutor.NodeOutput result) {
        Object value = codec.decodeInput(input, in, offset, length, result);
        try {
            node.sink.accept(value);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
        out.putBytes(0, in, offset, length);
        result.value = value;
        result.length = length;
    }
}
