package dev.sluice.pipeline;

import dev.sluice.core.SluiceException;

/**
 * A node failed while running one request: it threw, or returned a value its output schema cannot encode. Only
 * that request fails; the pipeline goes on. The message names the node and the reason.
 */
public final class NodeFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String nodeId;

    NodeFailedException(String nodeId, String message, Throwable cause) {
        super("node '" + nodeId + "' failed: " + message, cause);
        this.nodeId = nodeId;
    }

    /** @return the id of the node that failed */
    public String nodeId() {
        return nodeId;
    }
}
