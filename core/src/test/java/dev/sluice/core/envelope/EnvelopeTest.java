package dev.sluice.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.UUID;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    record Question(String text, List<String> tags) {}

    private static final Schema<Question> QUESTION =
            Schemas.recordOf(Question.class).withVersion(2);

    private static void writeSample(Envelope e) {
        e.initHeader()
                .runId(0x0102030405060708L, 0x1112131415161718L)
                .correlationId(99)
                .nodeId(3)
                .nodeVersion(7)
                .inputHash(ContentHash.of(new byte[] {1}))
                .traceContext(0xAAL, 0xBBL, 0xCCL, (byte) 1)
                .createdEpochNs(1_700_000_000_000_000_000L)
                .sentNanoTime(123_456L)
                .flags(EnvelopeDescriptor.FLAG_CACHE_HIT)
                .encodePayload(QUESTION, new Question("what is sluice?", List.of("faq")));
    }

    private static void assertSample(Envelope e) {
        e.validate();
        assertEquals(new UUID(0x0102030405060708L, 0x1112131415161718L), e.runId());
        assertEquals(99, e.correlationId());
        assertEquals(3, e.nodeId());
        assertEquals(7, e.nodeVersion());
        assertEquals(2, e.schemaVersion());
        assertEquals(ContentHash.of(new byte[] {1}), e.inputHash());
        assertEquals(0xAAL, e.traceIdHigh());
        assertEquals(0xBBL, e.traceIdLow());
        assertEquals(0xCCL, e.spanId());
        assertEquals(1, e.traceFlags());
        assertEquals(1_700_000_000_000_000_000L, e.createdEpochNs());
        assertEquals(123_456L, e.sentNanoTime());
        assertEquals(EnvelopeDescriptor.FLAG_CACHE_HIT, e.flags());
        assertEquals(new Question("what is sluice?", List.of("faq")), e.decodePayload(QUESTION));
    }

    @Test
    void writesAndReadsEveryFieldInPlaceInAnAgronaBuffer() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        writeSample(new Envelope().wrap(buffer, 64, 448));
        Envelope reader = new Envelope().wrap(buffer, 64, 448);
        assertSample(reader);
        byte[] payload = QUESTION.encode(new Question("what is sluice?", List.of("faq")));
        assertEquals(EnvelopeDescriptor.HEADER_LENGTH + payload.length, reader.totalLength());
        assertEquals(ContentHash.of(payload), reader.payloadHash(), "the bytes on the edge are the bytes hashed");
    }

    @Test
    void worksOverANativeMemorySegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(512, 64);
            writeSample(new Envelope().wrap(segment));
            assertSample(new Envelope().wrap(segment));
        }
    }

    @Test
    void refusesTooSmallRegionsAndPayloadsThatDoNotFit() {
        assertThrows(BadInputException.class, () -> new Envelope().wrap(new UnsafeBuffer(new byte[64]), 0, 64));
        Envelope e =
                new Envelope().wrap(new UnsafeBuffer(new byte[140]), 0, 140).initHeader();
        BadInputException tooBig = assertThrows(
                BadInputException.class, () -> e.encodePayload(Schemas.string(), "more than twelve bytes of text"));
        assertTrue(tooBig.getMessage().contains("12"), tooBig.getMessage());
    }

    @Test
    void validationCatchesAForeignVersionOrAPayloadLengthPastTheRegion() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        Envelope e = new Envelope().wrap(buffer, 0, 256);
        writeSample(e);
        buffer.putShort(EnvelopeDescriptor.VERSION_OFFSET, (short) 9, EnvelopeDescriptor.BYTE_ORDER);
        assertThrows(CorruptDataException.class, e::validate);
        writeSample(e);
        buffer.putInt(EnvelopeDescriptor.PAYLOAD_LENGTH_OFFSET, 500, EnvelopeDescriptor.BYTE_ORDER);
        CorruptDataException tooLong = assertThrows(CorruptDataException.class, () -> e.decodePayload(QUESTION));
        assertTrue(tooLong.getMessage().contains("500"), tooLong.getMessage());
        writeSample(e);
        assertThrows(
                CorruptDataException.class,
                () -> e.decodePayload(Schemas.recordOf(Question.class)),
                "a payload of schema version 2 is not read as version 1");
    }
}
