package dev.sluice.bench;

import dev.sluice.core.envelope.Envelope;
import dev.sluice.core.envelope.EnvelopeDescriptor;
import dev.sluice.core.schema.Schemas;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The latency of one pipeline edge: a message handed from one thread to another and back (a round trip, so two
 * hops; halve for one). Sluice's edge is an envelope (40-byte header and a 64-byte canonical payload) written in
 * place into an Agrona one-to-one ring buffer with {@code tryClaim}/{@code commit} and read by a busy-spinning
 * consumer. The peers hand the same payload (a {@code byte[]} message) through {@link ArrayBlockingQueue} and
 * {@link LinkedBlockingQueue} with {@code put}/{@code take}, the way a thread-pool pipeline would (they pass a
 * reference to the same array, no copy: the cheapest case for them). Each benchmark
 * has its own echo thread; {@code SampleTime} gives the percentiles.
 *
 * <p>Run:
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar HopLatency -f 1 -wi 3 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
public class HopLatencyBenchmark {
    private static final int MESSAGE_TYPE = 1;
    private static final byte[] PAYLOAD = Schemas.string().encode("a question of about sixty bytes, canonical form");
    private static final int MESSAGE_BYTES = EnvelopeDescriptor.HEADER_LENGTH + PAYLOAD.length;

    private static RingBuffer ring() {
        return new OneToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned((1 << 16) + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    }

    /** Two ring buffers and an echo thread that copies every envelope from the first to the second. */
    @State(Scope.Benchmark)
    public static class RingEdge {
        final RingBuffer there = ring();
        final RingBuffer back = ring();
        final Envelope writer = new Envelope();
        final UnsafeBuffer payload = new UnsafeBuffer(PAYLOAD);
        volatile boolean running = true;
        long received;
        Thread echo;

        /** Starts the echo thread. */
        @Setup(Level.Trial)
        public void start() {
            org.agrona.concurrent.MessageHandler copyBack = (type, buffer, index, length) -> {
                int claimed;
                while ((claimed = back.tryClaim(MESSAGE_TYPE, length)) < 0) {
                    Thread.onSpinWait();
                }
                back.buffer().putBytes(claimed, buffer, index, length);
                back.commit(claimed);
            };
            echo = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    if (there.read(copyBack) == 0) {
                        Thread.onSpinWait();
                    }
                }
            });
        }

        /** Stops the echo thread. */
        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            echo.join();
        }

        void onBack(int type, MutableDirectBuffer buffer, int index, int length) {
            received++;
        }
    }

    /** A queue pair and an echo thread doing blocking {@code take}/{@code put}. */
    public abstract static class QueueEdge {
        BlockingQueue<byte[]> there;
        BlockingQueue<byte[]> back;
        Thread echo;

        abstract BlockingQueue<byte[]> newQueue();

        /** Starts the echo thread. */
        @Setup(Level.Trial)
        public void start() {
            there = newQueue();
            back = newQueue();
            echo = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        back.put(there.take());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /** Stops the echo thread. */
        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            echo.interrupt();
            echo.join();
        }
    }

    /** {@link ArrayBlockingQueue} of the same capacity in messages as the ring holds. */
    @State(Scope.Benchmark)
    public static class ArrayQueueEdge extends QueueEdge {
        @Override
        BlockingQueue<byte[]> newQueue() {
            return new ArrayBlockingQueue<>(256);
        }
    }

    /** {@link LinkedBlockingQueue}, unbounded. */
    @State(Scope.Benchmark)
    public static class LinkedQueueEdge extends QueueEdge {
        @Override
        BlockingQueue<byte[]> newQueue() {
            return new LinkedBlockingQueue<>();
        }
    }

    /**
     * @param edge the ring buffers
     * @return the number of round trips completed, so the work is not dead code
     */
    @Benchmark
    public long sluiceRingBuffer(RingEdge edge) {
        int index;
        while ((index = edge.there.tryClaim(MESSAGE_TYPE, MESSAGE_BYTES)) < 0) {
            Thread.onSpinWait();
        }
        edge.writer
                .wrap(edge.there.buffer(), index, MESSAGE_BYTES)
                .initHeader()
                .correlationId(edge.received)
                .traceContext(0, 0, 0, (byte) 0)
                .copyPayload(edge.payload, 0, PAYLOAD.length);
        edge.there.commit(index);
        long before = edge.received;
        while (edge.received == before) {
            if (edge.back.read(edge::onBack, 1) == 0) {
                Thread.onSpinWait();
            }
        }
        return edge.received;
    }

    /**
     * @param edge the queues
     * @return the message that came back
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public byte[] arrayBlockingQueue(ArrayQueueEdge edge) throws InterruptedException {
        edge.there.put(PAYLOAD);
        return edge.back.take();
    }

    /**
     * @param edge the queues
     * @return the message that came back
     * @throws InterruptedException never, in practice
     */
    @Benchmark
    public byte[] linkedBlockingQueue(LinkedQueueEdge edge) throws InterruptedException {
        edge.there.put(PAYLOAD);
        return edge.back.take();
    }
}
