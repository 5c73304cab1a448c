package dev.sluice.inference.llama;

import dev.sluice.core.BadInputException;

/**
 * One message of a chat, for {@link LlamaGenerator#applyChatTemplate(java.util.List)}.
 *
 * @param role {@code system} (at most one, first), {@code user} or {@code assistant}
 * @param content the text
 */
public record ChatMessage(String role, String content) {
    /** Checks the role. */
    public ChatMessage {
        if (!"system".equals(role) && !"user".equals(role) && !"assistant".equals(role)) {
            throw new BadInputException("chat role '" + role + "' is not one of system, user, assistant");
        }
        if (content == null) {
            throw new BadInputException("chat message content is null");
        }
    }

    /**
     * @param content the text
     * @return a user message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /**
     * @param content the text
     * @return a system message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /**
     * @param content the text
     * @return an assistant message
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
