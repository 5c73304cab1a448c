package dev.sluice.inference.embed.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.inference.embed.Pooling;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an embedding model and an embedding call must look like, and the identity that follows from the model.
 *
 * <p>The model: inputs are found by name, {@code input_ids} (required), {@code attention_mask} and
 * {@code token_type_ids} (fed when the model has them), all int64 {@code [batch, tokens]}; the output is the one
 * named or else the first float output of rank 3 ({@code [batch, tokens, dimension]}), and a rank-2 output
 * ({@code [batch, dimension]}) is taken as already pooled. {@link #read} checks this once and keeps what the run
 * path needs to know. The call: a non-empty list of non-blank texts, and a target matrix of the model's dimension
 * with room for them. The identity: model name, output, pooling, normalisation, token limit and a hash of the
 * tokenizer file, with the model file's hash.
 *
 * <p>Cost: {@link #read} asks a session for its inputs and outputs once, when an embedder is built;
 * {@link #identity} hashes the tokenizer file (and the model file, once per process); the call checks look at each
 * text once and allocate only for a failure's message. Immutable and thread-safe.
 */
public final class EmbedderContract {
    /** The name of the required token-id input. */
    static final String INPUT_IDS = "input_ids";
    /** The name of the optional attention-mask input. */
    static final String ATTENTION_MASK = "attention_mask";
    /** The name of the optional token-type input. */
    static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final boolean feedsMask;
    private final boolean feedsTypes;
    private final String outputName;
    private final boolean outputPerToken;
    private final int declaredDimension;

    private EmbedderContract(
            boolean feedsMask, boolean feedsTypes, String outputName, boolean outputPerToken, int declaredDimension) {
        this.feedsMask = feedsMask;
        this.feedsTypes = feedsTypes;
        this.outputName = outputName;
        this.outputPerToken = outputPerToken;
        this.declaredDimension = declaredDimension;
    }

    /**
     * Checks a loaded model's inputs and outputs against what an embedder can feed and pool.
     *
     * @param modelFile the model file, for messages
     * @param requestedOutput the output the caller named, or {@code null} for the first float output of rank 3
     * @param session a session over the model
     * @return what the run path needs to know about the model
     * @throws BadInputException when the model has inputs an embedder cannot feed or no output it can pool
     */
    public static EmbedderContract read(Path modelFile, String requestedOutput, OrtSession session) {
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new SluiceException("cannot read the inputs and outputs of model " + modelFile, e);
        }
        checkInputs(modelFile, inputs);
        String outputName = chooseOutput(modelFile, requestedOutput, outputs);
        long[] shape = ((TensorInfo) outputs.get(outputName).getInfo()).getShape();
        long declared = shape[shape.length - 1];
        return new EmbedderContract(
                inputs.containsKey(ATTENTION_MASK),
                inputs.containsKey(TOKEN_TYPE_IDS),
                outputName,
                shape.length == 3,
                declared > 0 ? Math.toIntExact(declared) : 0);
    }

    /** @return whether the model takes an attention mask */
    public boolean feedsMask() {
        return feedsMask;
    }

    /** @return whether the model takes token type ids */
    public boolean feedsTypes() {
        return feedsTypes;
    }

    /** @return the output that is pooled */
    public String outputName() {
        return outputName;
    }

    /** @return whether the output has one vector per token (rank 3) rather than one per text (rank 2) */
    public boolean outputPerToken() {
        return outputPerToken;
    }

    /** @return the vector dimension the model declares, or 0 when it leaves it symbolic (learnt by a run) */
    public int declaredDimension() {
        return declaredDimension;
    }

    /**
     * The identity of an embedder over this model: cache keys change whenever anything that changes the vectors does.
     *
     * @param runtime the runtime name
     * @param modelName the model's name, or {@code null} for the model file's name without {@code .onnx}
     * @param modelFile the model file, hashed
     * @param tokenizerFile the tokenizer file, hashed
     * @param pooling how token vectors become one vector
     * @param normalize whether vectors are scaled to unit length
     * @param maxTokens the token limit per text
     * @return the identity
     */
    public ModelIdentity identity(
            String runtime,
            String modelName,
            Path modelFile,
            Path tokenizerFile,
            Pooling pooling,
            boolean normalize,
            int maxTokens) {
        String name = modelName != null ? modelName : stem(modelFile);
        return ModelIdentity.of(
                runtime,
                name + "/" + outputName + "/"
                        + (outputPerToken ? pooling.name().toLowerCase(Locale.ROOT) : "pooled")
                        + (normalize ? "+l2" : "")
                        + "/max" + maxTokens + "/tokenizer-"
                        + ContentHash.ofFile(tokenizerFile).hex().substring(0, 16),
                modelFile);
    }

    /**
     * Checks the texts of a call.
     *
     * @param texts the caller's list
     * @throws BadInputException for a null or empty list, or a null or blank text
     */
    public static void checkTexts(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new BadInputException(
                    "cannot embed " + (texts == null ? "a null list" : "an empty list") + "; give at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            checkText(texts.get(i), i);
        }
    }

    /**
     * Checks one text.
     *
     * @param text the text
     * @param index its index in the caller's list, for the message
     * @throws BadInputException for a null or blank text
     */
    public static void checkText(String text, int index) {
        if (text == null) {
            throw new BadInputException("text " + index + " is null");
        }
        if (text.isBlank()) {
            throw new BadInputException("text " + index + " is empty or blank; an embedding needs at least one word");
        }
    }

    /**
     * Checks that a matrix can take a call's vectors.
     *
     * @param target the caller's matrix
     * @param firstRow the row of the first vector
     * @param texts how many vectors
     * @param dimension the model's dimension
     * @param modelName the model's name, for the message
     * @throws BadInputException when the dimension differs or the rows do not fit
     */
    public static void checkTarget(FloatMatrix target, int firstRow, int texts, int dimension, String modelName) {
        if (target.dimension() != dimension) {
            throw new BadInputException("matrix " + target.name() + " has dimension " + target.dimension()
                    + " but model " + modelName + " makes vectors of dimension " + dimension);
        }
        if (firstRow < 0 || (long) firstRow + texts > target.rows()) {
            throw new BadInputException("matrix " + target.name() + " has " + target.rows() + " rows; rows " + firstRow
                    + " to " + ((long) firstRow + texts - 1) + " do not fit");
        }
    }

    private static void checkInputs(Path modelFile, Map<String, NodeInfo> inputs) {
        if (!inputs.containsKey(INPUT_IDS)) {
            throw new BadInputException("model " + modelFile + " has inputs " + inputs.keySet()
                    + "; an embedding model needs input_ids (and may have attention_mask, token_type_ids)");
        }
        for (NodeInfo input : inputs.values()) {
            String name = input.getName();
            if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
                throw new BadInputException("model " + modelFile + " has input " + name + " that an embedder "
                        + "cannot feed; it feeds input_ids, attention_mask and token_type_ids");
            }
            if (!(input.getInfo() instanceof TensorInfo tensor)
                    || tensor.type != OnnxJavaType.INT64
                    || tensor.getShape().length != 2) {
                throw new BadInputException("model " + modelFile + " input " + name + " is " + input.getInfo()
                        + "; expected an int64 tensor of shape [batch, tokens]");
            }
        }
    }

    private static String chooseOutput(Path modelFile, String requested, Map<String, NodeInfo> outputs) {
        if (requested != null) {
            NodeInfo output = outputs.get(requested);
            if (output == null) {
                throw new BadInputException(
                        "model " + modelFile + " has no output " + requested + "; it has " + outputs.keySet());
            }
            if (!(output.getInfo() instanceof TensorInfo tensor)
                    || tensor.type != OnnxJavaType.FLOAT
                    || tensor.getShape().length < 2
                    || tensor.getShape().length > 3) {
                throw new BadInputException("model " + modelFile + " output " + requested + " is "
                        + output.getInfo() + "; expected a float tensor [batch, tokens, dimension] or [batch, "
                        + "dimension]");
            }
            return requested;
        }
        for (NodeInfo output : outputs.values()) {
            if (output.getInfo() instanceof TensorInfo tensor
                    && tensor.type == OnnxJavaType.FLOAT
                    && tensor.getShape().length == 3) {
                return output.getName();
            }
        }
        throw new BadInputException("model " + modelFile + " has no float output of rank 3 [batch, tokens, "
                + "dimension]; its outputs are " + outputs.values() + "; name one with outputName(...)");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
    }
}
