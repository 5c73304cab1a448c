package dev.sluice.pipeline;

/**
 * Receives the tokens that adapters stream while a request runs, on the thread that runs the adapter. Must be
 * quick and must not throw; it is called for every token.
 */
@FunctionalInterface
public interface TokenListener {
    /** A listener that drops every token. */
    TokenListener NONE = (nodeId, token) -> {};

    /**
     * @param nodeId the node that produced the token
     * @param token the token's text
     */
    void onToken(String nodeId, String token);
}
