package dev.sluice.inference.embed.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.inference.embed.ExecutionProvider;
import dev.sluice.inference.embed.GraphOptimization;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.inference.internal.NativeStack;
import java.nio.file.Path;

/**
 * Creates the ONNX Runtime sessions of an embedder from its settings: the session that runs a call's single run with
 * intra-op threads, on CUDA when it was asked for and works, else on CPU with the reason logged as a warning and
 * reported; and, on CPU with more than one run thread, a second single-threaded session over the same model for runs
 * spread over threads. Session options: the thread counts, the graph optimisation level (by default basic on CPU and
 * all on CUDA), memory patterns, deterministic compute, sequential execution and intra-op spinning.
 *
 * <p>The environment and the sessions are made on a thread of {@link NativeStack}, whatever the caller's stack size.
 *
 * <p>Cost: each session parses the model and holds its own copy of the weights in native memory; sessions are made
 * once per embedder. Immutable; {@link #open} may be called from any thread.
 */
public final class SessionFactory {
    private static final System.Logger LOG = System.getLogger(OnnxEmbedder.class.getName());

    private final Path modelFile;
    private final int interOpThreads;
    private final GraphOptimization optimization;
    private final boolean memoryPattern;
    private final boolean deterministic;
    private final boolean spinning;

    /**
     * @param modelFile the {@code .onnx} model, already checked
     * @param interOpThreads threads across independent operators, 0 for ONNX Runtime's choice
     * @param optimization the graph optimisation level, or {@code null} for basic on CPU and all on CUDA
     * @param memoryPattern whether ONNX Runtime plans memory from the first run's shapes
     * @param deterministic whether ONNX Runtime uses deterministic kernels where it has a choice
     * @param spinning whether idle intra-op threads spin for the next piece of work
     */
    public SessionFactory(
            Path modelFile,
            int interOpThreads,
            GraphOptimization optimization,
            boolean memoryPattern,
            boolean deterministic,
            boolean spinning) {
        this.modelFile = modelFile;
        this.interOpThreads = interOpThreads;
        this.optimization = optimization;
        this.memoryPattern = memoryPattern;
        this.deterministic = deterministic;
        this.spinning = spinning;
    }

    /**
     * The sessions of one embedder; the caller owns them.
     *
     * @param session the session for a call that makes one run, with intra-op threads
     * @param runSession the single-threaded session for runs spread over threads, or {@code null} when there is none
     * @param provider where {@code session} runs
     * @param fallbackReason why CUDA was asked for but the model runs on CPU, or {@code null}
     */
    public record Sessions(
            OrtSession session, OrtSession runSession, ExecutionProvider provider, String fallbackReason) {
        /** Closes both sessions after a set-up that failed, logging (not throwing) what goes wrong. */
        public void closeQuietly() {
            SessionFactory.closeQuietly(session);
            SessionFactory.closeQuietly(runSession);
        }
    }

    /**
     * Creates the sessions.
     *
     * @param cudaDeviceId the GPU to run on, or -1 for CPU
     * @param intraOpThreads threads inside one operator of the main session, 0 for ONNX Runtime's choice
     * @param runThreads how many threads work on the runs of one call; above 1 on CPU adds the run session
     * @return the sessions
     * @throws BadInputException when ONNX Runtime cannot load the model on CPU
     */
    public Sessions open(int cudaDeviceId, int intraOpThreads, int runThreads) {
        // ONNX Runtime's environment set-up can recurse deeply: off the caller's stack (see NativeStack)
        return NativeStack.call(() -> openHere(cudaDeviceId, intraOpThreads, runThreads));
    }

    private Sessions openHere(int cudaDeviceId, int intraOpThreads, int runThreads) {
        OrtSession session = null;
        try {
            String fallback = null;
            if (cudaDeviceId >= 0) {
                try {
                    session = create(cudaDeviceId, intraOpThreads);
                } catch (OrtException | RuntimeException e) {
                    fallback = "CUDA device " + cudaDeviceId + " is not usable: " + e.getMessage();
                }
                if (fallback != null) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "model {0} runs on CPU although CUDA was asked for: {1}",
                            modelFile,
                            fallback);
                }
            }
            if (session == null) {
                session = create(-1, intraOpThreads);
            }
            ExecutionProvider provider =
                    cudaDeviceId >= 0 && fallback == null ? ExecutionProvider.CUDA : ExecutionProvider.CPU;
            OrtSession runSession = provider == ExecutionProvider.CPU && runThreads > 1 ? create(-1, 1) : null;
            return new Sessions(session, runSession, provider, fallback);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new BadInputException("ONNX Runtime cannot load model " + modelFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Creates one session on CUDA device {@code cudaDeviceId}, or on CPU when it is negative. */
    private OrtSession create(int cudaDeviceId, int intraOpThreads) throws OrtException {
        boolean cuda = cudaDeviceId >= 0;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        if (cuda && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new SluiceException("the ONNX Runtime on the class path has no CUDA provider (it has "
                    + OrtEnvironment.getAvailableProviders() + "); use com.microsoft.onnxruntime:onnxruntime_gpu");
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(interOpThreads);
            GraphOptimization level =
                    optimization != null ? optimization : cuda ? GraphOptimization.ALL : GraphOptimization.BASIC;
            options.setOptimizationLevel(
                    switch (level) {
                        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                    });
            options.setMemoryPatternOptimization(memoryPattern);
            options.setDeterministicCompute(deterministic);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            if (cuda) {
                options.addCUDA(cudaDeviceId);
            }
            return environment.createSession(modelFile.toString(), options);
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a session that failed to set up", e);
            }
        }
    }
}
