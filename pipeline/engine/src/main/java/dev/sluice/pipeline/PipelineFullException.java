package dev.sluice.pipeline;

import dev.sluice.core.SluiceException;

/**
 * A request was refused because a stage's ring buffer stayed full for longer than the caller's timeout (or at
 * once, in fail-fast mode). The request was not accepted; nothing of it is in the pipeline. Retry later or shed.
 */
public final class PipelineFullException extends SluiceException {
    private static final long serialVersionUID = 1L;

    PipelineFullException(String message) {
        super(message);
    }
}
