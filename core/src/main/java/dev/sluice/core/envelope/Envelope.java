package dev.sluice.core.envelope;

import static dev.sluice.core.envelope.EnvelopeDescriptor.BYTE_ORDER;
import static dev.sluice.core.envelope.EnvelopeDescriptor.CORRELATION_ID_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.FORMAT_VERSION;
import static dev.sluice.core.envelope.EnvelopeDescriptor.HEADER_LENGTH;
import static dev.sluice.core.envelope.EnvelopeDescriptor.PAYLOAD_LENGTH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.SPAN_ID_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_FLAGS_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_ID_HIGH_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.TRACE_ID_LOW_OFFSET;
import static dev.sluice.core.envelope.EnvelopeDescriptor.VERSION_OFFSET;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import java.lang.foreign.MemorySegment;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight over the binary message of a pipeline edge ({@link EnvelopeDescriptor} has the layout): it reads
 * and writes the header and payload in place, in a ring buffer's claimed slot or any other buffer, without
 * copying. One instance is reused for many messages with {@link #wrap}; getters, setters and
 * {@link #encodePayload} allocate nothing (beyond what a schema allocates for maps), except
 * {@link #payloadHash()} and {@link #decodePayload}, which return new values.
 *
 * <p>Writing: {@code wrap} the claimed region, {@link #initHeader()}, set the fields, then
 * {@link #encodePayload}. Reading: {@code wrap} the received region, then {@link #validate()} before trusting
 * lengths. Not thread-safe: one flyweight per thread.
 */
public final class Envelope {
    private final UnsafeBuffer segmentBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final CanonicalWriter payloadWriter = new CanonicalWriter();
    private MutableDirectBuffer buffer;
    private int offset;
    private int capacity;

    /** Creates a flyweight that points at nothing yet; {@link #wrap} it before use. */
    public Envelope() {}

    /**
     * Points the flyweight at a region of a buffer.
     *
     * @param buffer the buffer
     * @param offset the envelope's first byte
     * @param capacity the bytes available to the envelope, header included
     * @return this flyweight
     */
    public Envelope wrap(MutableDirectBuffer buffer, int offset, int capacity) {
        if (capacity < HEADER_LENGTH) {
            throw new BadInputException("an envelope needs at least " + HEADER_LENGTH + " bytes, got " + capacity);
        }
        buffer.boundsCheck(offset, capacity);
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        return this;
    }

    /**
     * Points the flyweight at a native memory segment. The caller keeps the segment alive while it is wrapped.
     *
     * @param segment a native segment of at least {@link EnvelopeDescriptor#HEADER_LENGTH} bytes
     * @return this flyweight
     */
    public Envelope wrap(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new BadInputException("Envelope.wrap(MemorySegment) takes native memory; wrap heap arrays with"
                    + " an UnsafeBuffer instead");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's arena is closed");
        }
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new BadInputException(
                    "an envelope is at most " + Integer.MAX_VALUE + " bytes, the segment has " + segment.byteSize());
        }
        segmentBuffer.wrap(segment.address(), (int) segment.byteSize());
        return wrap(segmentBuffer, 0, (int) segment.byteSize());
    }

    /**
     * Zeroes the header and writes the format version; the payload length starts at 0.
     *
     * @return this flyweight
     */
    public Envelope initHeader() {
        buffer.setMemory(offset, HEADER_LENGTH, (byte) 0);
        buffer.putShort(offset + VERSION_OFFSET, FORMAT_VERSION, BYTE_ORDER);
        return this;
    }

    /**
     * Checks the format version and that the payload lies inside the wrapped region.
     *
     * @return this flyweight
     * @throws CorruptDataException if the header is not a valid header of this format version for this region
     */
    public Envelope validate() {
        short version = buffer.getShort(offset + VERSION_OFFSET, BYTE_ORDER);
        if (version != FORMAT_VERSION) {
            throw new CorruptDataException("envelope format version " + version + " is not supported; this build"
                    + " reads version " + FORMAT_VERSION);
        }
        int length = payloadLength();
        if (length < 0 || length > capacity - HEADER_LENGTH) {
            throw new CorruptDataException("envelope payload length " + length + " does not fit the "
                    + (capacity - HEADER_LENGTH) + " bytes after the header");
        }
        return this;
    }

    /** @return the buffer wrapped */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** @return the envelope's first byte in the buffer */
    public int offset() {
        return offset;
    }

    /** @return header plus payload length: the bytes to commit to a ring buffer */
    public int totalLength() {
        return HEADER_LENGTH + payloadLength();
    }

    /** @return the correlation id: names the run among those in flight in the runtime that wrote the message */
    public long correlationId() {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, BYTE_ORDER);
    }

    /**
     * @param correlationId the correlation id
     * @return this flyweight
     */
    public Envelope correlationId(long correlationId) {
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
        return this;
    }

    /** @return the trace id's high 64 bits (0 when there is no trace) */
    public long traceIdHigh() {
        return buffer.getLong(offset + TRACE_ID_HIGH_OFFSET, BYTE_ORDER);
    }

    /** @return the trace id's low 64 bits */
    public long traceIdLow() {
        return buffer.getLong(offset + TRACE_ID_LOW_OFFSET, BYTE_ORDER);
    }

    /** @return the parent span id */
    public long spanId() {
        return buffer.getLong(offset + SPAN_ID_OFFSET, BYTE_ORDER);
    }

    /** @return the W3C trace flags (bit 0: sampled) */
    public byte traceFlags() {
        return buffer.getByte(offset + TRACE_FLAGS_OFFSET);
    }

    /**
     * Sets the W3C trace context that carries a span across threads and ring buffers.
     *
     * @param traceIdHigh the trace id's high 64 bits
     * @param traceIdLow the trace id's low 64 bits
     * @param spanId the parent span id
     * @param traceFlags the W3C trace flags
     * @return this flyweight
     */
    public Envelope traceContext(long traceIdHigh, long traceIdLow, long spanId, byte traceFlags) {
        buffer.putLong(offset + TRACE_ID_HIGH_OFFSET, traceIdHigh, BYTE_ORDER);
        buffer.putLong(offset + TRACE_ID_LOW_OFFSET, traceIdLow, BYTE_ORDER);
        buffer.putLong(offset + SPAN_ID_OFFSET, spanId, BYTE_ORDER);
        buffer.putByte(offset + TRACE_FLAGS_OFFSET, traceFlags);
        return this;
    }

    /** @return the payload's length in bytes */
    public int payloadLength() {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, BYTE_ORDER);
    }

    /** @return the payload's first byte in the buffer */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /**
     * Encodes a value as the payload, in place after the header, and records its length.
     *
     * @param schema the payload's schema
     * @param value the payload
     * @param <T> its type
     * @return this flyweight
     * @throws BadInputException if the payload does not fit the wrapped region
     */
    public <T> Envelope encodePayload(Schema<T> schema, T value) {
        payloadView.wrap(buffer, payloadOffset(), capacity - HEADER_LENGTH);
        schema.writeValue(value, payloadWriter.wrap(payloadView, 0));
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadWriter.position(), BYTE_ORDER);
        return this;
    }

    /**
     * Copies payload bytes that are already canonical (encoded once, elsewhere) after the header and records
     * their length.
     *
     * @param source the buffer holding the payload
     * @param sourceOffset its first byte
     * @param length its length in bytes
     * @return this flyweight
     * @throws BadInputException if the payload does not fit the wrapped region
     */
    public Envelope copyPayload(DirectBuffer source, int sourceOffset, int length) {
        if (length < 0 || length > capacity - HEADER_LENGTH) {
            throw new BadInputException("a payload of " + length + " bytes does not fit the "
                    + (capacity - HEADER_LENGTH) + " bytes after the header");
        }
        buffer.putBytes(payloadOffset(), source, sourceOffset, length);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, length, BYTE_ORDER);
        return this;
    }

    /**
     * Decodes the payload after checking the header.
     *
     * @param schema the payload's schema: the header does not carry it, the reader knows it (a stage reads the
     *     output of the node before it in its flow)
     * @param <T> the payload's type
     * @return the payload
     * @throws CorruptDataException if the header is not valid or the payload is not a value of the schema
     */
    public <T> T decodePayload(Schema<T> schema) {
        validate();
        return schema.decode(buffer, payloadOffset(), payloadLength());
    }

    /** @return the SHA-256 of the payload bytes, hashed in place */
    public ContentHash payloadHash() {
        validate();
        return ContentHash.of(buffer, payloadOffset(), payloadLength());
    }
}
