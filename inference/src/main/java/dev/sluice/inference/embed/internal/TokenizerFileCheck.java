package dev.sluice.inference.embed.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.sluice.core.BadInputException;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a Hugging Face {@code tokenizer.json} in Java before the Rust {@code tokenizers} library sees it through
 * DJL's binding, where some malformed files make the library panic, and a panic inside the JNI call aborts the JVM
 * (an empty vocabulary does, so do a Unigram model without an unknown-token id and a post-processor template that
 * names a special token it does not define). Each refusal is a {@link BadInputException} that names the file and the
 * problem.
 *
 * <p>What is checked: the file is a JSON object (Gson's reader: strict syntax, at most 255 levels of nesting) with a
 * {@code model} whose {@code type} is one the binding loads ({@value #MODEL_TYPES_TEXT}; a model without a type is
 * recognised by its fields, as the library does); {@code model.vocab} is present and not empty, a {@code token: id}
 * object (a list of {@code [piece, score]} pairs for Unigram); every id is a whole number, not negative, and no two
 * tokens share one. When the model's vocabulary size is known (the rows of the ONNX model's word-embedding table,
 * see {@link OnnxFileCheck#vocabularySize(Path)}), every id the tokenizer can produce (vocabulary, added tokens,
 * post-processor special tokens, padding token) must be below it; when it is not known, the vocabulary's ids must be
 * exactly {@code 0..n-1}. A WordPiece or WordLevel model's unknown token must be in its vocabulary, a Unigram model's
 * {@code unk_id} must be an index into it, and a {@code truncation.max_length} must leave room for two tokens.
 *
 * <p>Cost: one streaming pass over the file; memory for the vocabulary's ids and, for WordPiece and WordLevel, its
 * tokens (about what the native tokenizer then holds). Stateless and thread-safe.
 */
public final class TokenizerFileCheck {
    /** The largest tokenizer file read: large multilingual vocabularies take some tens of MiB. */
    public static final long MAX_FILE_BYTES = 512L << 20;

    static final String MODEL_TYPES_TEXT = "BPE, WordPiece, WordLevel, Unigram";
    private static final Set<String> MODEL_TYPES = Set.of("BPE", "WordPiece", "WordLevel", "Unigram");
    private static final long MAX_ID = 0xFFFF_FFFFL; // the library's ids are u32

    private TokenizerFileCheck() {}

    /**
     * Checks a tokenizer file.
     *
     * @param file the {@code tokenizer.json}
     * @param vocabularySize the number of token ids the model accepts, or a negative number when unknown
     * @throws BadInputException if the file is missing, unreadable, not JSON, or a tokenizer the binding would fail on
     */
    public static void check(Path file, long vocabularySize) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInputException("tokenizer file " + file + " does not exist or is not a readable file");
        }
        Parsed parsed = new Parsed(file, vocabularySize);
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw parsed.refuse(
                        "has " + size + " bytes; tokenizer files of up to " + MAX_FILE_BYTES + " bytes are read");
            }
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                    JsonReader json = new JsonReader(in)) {
                parsed.readTop(json);
            }
        } catch (EOFException e) {
            throw parsed.refuse("ends before its JSON does (the file is empty or cut short)", e);
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
            // Gson reports malformed JSON (MalformedJsonException is an IOException), nesting past its limit and
            // values of the wrong kind with these
            throw parsed.refuse("is not valid JSON: " + gsonDetail(e), e);
        }
        parsed.validate();
    }

    /** What one pass over the file found, and the checks on it. */
    private static final class Parsed {
        final Path file;
        final long vocabularySize;
        boolean hasModel;
        String type;
        boolean vocabSeen;
        boolean vocabIsList;
        long[] ids = new long[1024];
        int count;
        Set<String> tokens = new HashSet<>();
        String unkToken;
        boolean unkTokenSeen;
        JsonElement unkId;
        boolean hasMerges;

        Parsed(Path file, long vocabularySize) {
            this.file = file;
            this.vocabularySize = vocabularySize;
        }

        void readTop(JsonReader json) throws IOException {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw refuse("is a JSON " + kind(json.peek()) + ", not the object of a tokenizer.json");
            }
            json.beginObject();
            while (json.hasNext()) {
                switch (json.nextName()) {
                    case "model" -> readModel(json);
                    case "added_tokens" -> checkAddedTokens(JsonParser.parseReader(json));
                    case "post_processor" -> checkProcessor(JsonParser.parseReader(json), "post_processor");
                    case "padding" -> checkPadding(JsonParser.parseReader(json));
                    case "truncation" -> checkTruncation(JsonParser.parseReader(json));
                    default -> json.skipValue();
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) { // Gson itself refuses a second value in strict mode
                throw refuse("has more JSON after its object");
            }
        }

        void readModel(JsonReader json) throws IOException {
            if (json.peek() == JsonToken.NULL) {
                json.nextNull();
                return;
            }
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw refuse("has a model that is a JSON " + kind(json.peek()) + ", not an object");
            }
            hasModel = true;
            json.beginObject();
            while (json.hasNext()) {
                switch (json.nextName()) {
                    case "type" -> type = json.peek() == JsonToken.STRING ? json.nextString() : skipAsText(json);
                    case "vocab" -> readVocab(json);
                    case "unk_token" -> {
                        unkTokenSeen = true;
                        JsonElement unk = JsonParser.parseReader(json);
                        unkToken = unk.isJsonPrimitive() ? unk.getAsString() : null;
                    }
                    case "unk_id" -> unkId = JsonParser.parseReader(json);
                    case "merges" -> {
                        hasMerges = true;
                        json.skipValue();
                    }
                    default -> json.skipValue();
                }
            }
            json.endObject();
        }

        void readVocab(JsonReader json) throws IOException {
            vocabSeen = true;
            JsonToken token = json.peek();
            if (token == JsonToken.BEGIN_OBJECT) {
                json.beginObject();
                while (json.hasNext()) {
                    String piece = json.nextName();
                    if (json.peek() != JsonToken.NUMBER) {
                        throw refuse("maps token " + quote(piece) + " in model.vocab to a " + kind(json.peek())
                                + "; token ids are whole numbers");
                    }
                    add(piece, wholeNumber(json.nextString(), "the id of token " + quote(piece) + " in model.vocab"));
                }
                json.endObject();
            } else if (token == JsonToken.BEGIN_ARRAY) {
                vocabIsList = true;
                json.beginArray();
                while (json.hasNext()) {
                    JsonElement entry = JsonParser.parseReader(json);
                    if (!entry.isJsonArray()
                            || entry.getAsJsonArray().size() != 2
                            || !isString(entry.getAsJsonArray().get(0))
                            || !isNumber(entry.getAsJsonArray().get(1))) {
                        throw refuse("has model.vocab entry " + count + " " + abbreviate(entry)
                                + "; a list vocabulary holds [piece, score] pairs");
                    }
                    add(null, count);
                }
                json.endArray();
            } else {
                throw refuse("has a model.vocab that is a JSON " + kind(token)
                        + "; it must be an object of token ids (or a list of [piece, score] pairs)");
            }
        }

        void add(String piece, long id) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
            if (piece != null) {
                tokens.add(piece);
            }
        }

        void validate() {
            if (!hasModel) {
                throw refuse("has no model");
            }
            String modelType = type;
            if (modelType != null && !MODEL_TYPES.contains(modelType)) {
                throw refuse("has model type " + quote(modelType) + ", which the tokenizer binding cannot load; it"
                        + " loads " + MODEL_TYPES_TEXT);
            }
            if (!vocabSeen) {
                throw refuse("has no model.vocab");
            }
            if (count == 0) {
                throw refuse("has an empty model.vocab; a tokenizer needs at least one token");
            }
            if (modelType == null) { // the library tries the model types in turn; recognise the same way
                modelType = vocabIsList ? "Unigram" : hasMerges ? "BPE" : "WordPiece";
            }
            if (vocabIsList != "Unigram".equals(modelType)) {
                throw refuse("has a " + modelType + " model whose vocab is "
                        + (vocabIsList
                                ? "a list; it must be an object of token ids"
                                : "an object; it must be a list" + " of [piece, score] pairs"));
            }
            checkIds();
            if ("Unigram".equals(modelType)) {
                if (unkId == null || !unkId.isJsonPrimitive() || !isNumber(unkId)) {
                    throw refuse("has a Unigram model without a model.unk_id; the tokenizer library would abort on"
                            + " the first piece of text it does not know");
                }
                long unk = wholeNumber(unkId.getAsString(), "model.unk_id");
                if (unk < 0 || unk >= count) {
                    throw refuse("has model.unk_id " + unk + ", outside its " + count + "-piece vocabulary");
                }
            } else if ("WordPiece".equals(modelType) || "WordLevel".equals(modelType)) {
                String unk = unkTokenSeen ? unkToken : "WordPiece".equals(modelType) ? "[UNK]" : "<unk>";
                if (unk == null || !tokens.contains(unk)) {
                    throw refuse("has a " + modelType + " model whose unknown token "
                            + (unk == null ? "is not set" : quote(unk) + " is not in model.vocab"));
                }
            }
        }

        void checkIds() {
            long[] sorted = Arrays.copyOf(ids, count);
            Arrays.sort(sorted);
            if (sorted[0] < 0) {
                throw refuse("has token id " + sorted[0] + " in model.vocab; ids are not negative");
            }
            for (int i = 1; i < count; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    throw refuse("gives id " + sorted[i] + " to two tokens in model.vocab; each id names one token");
                }
            }
            long highest = sorted[count - 1];
            if (vocabularySize >= 0) {
                checkId(highest, "model.vocab");
            } else if (highest != count - 1) {
                throw refuse("has " + count + " tokens in model.vocab with ids up to " + highest + "; the ids must be"
                        + " 0 to " + (count - 1) + " when the model's vocabulary size is not known");
            }
        }

        void checkId(long id, String where) {
            if (id < 0 || id > MAX_ID) {
                throw refuse("has token id " + id + " in " + where + "; ids are 0 to " + MAX_ID);
            }
            if (vocabularySize >= 0 && id >= vocabularySize) {
                throw misfit("has token id " + id + " in " + where + ", but the model's vocabulary has "
                        + vocabularySize + " tokens (ids 0 to " + (vocabularySize - 1) + ")");
            }
        }

        void checkAddedTokens(JsonElement added) {
            if (added.isJsonNull()) {
                return;
            }
            if (!added.isJsonArray()) {
                throw refuse("has added_tokens that are not a list");
            }
            for (JsonElement token : added.getAsJsonArray()) {
                JsonElement id = token.isJsonObject() ? token.getAsJsonObject().get("id") : null;
                if (id == null || !isNumber(id)) {
                    throw refuse("has an added token without a numeric id: " + abbreviate(token));
                }
                checkId(wholeNumber(id.getAsString(), "an added token's id"), "added_tokens");
            }
        }

        void checkProcessor(JsonElement processor, String where) {
            if (!processor.isJsonObject()) {
                return; // null: none; anything else the library refuses with an error
            }
            JsonObject object = processor.getAsJsonObject();
            String kind = isString(object.get("type")) ? object.get("type").getAsString() : "";
            switch (kind) {
                case "TemplateProcessing" -> checkTemplate(object, where);
                case "BertProcessing", "RobertaProcessing" -> {
                    for (String part : new String[] {"sep", "cls"}) {
                        JsonElement pair = object.get(part);
                        if (pair != null
                                && pair.isJsonArray()
                                && pair.getAsJsonArray().size() == 2) {
                            JsonElement id = pair.getAsJsonArray().get(1);
                            if (isNumber(id)) {
                                checkId(wholeNumber(id.getAsString(), where + "." + part), where + "." + part);
                            }
                        }
                    }
                }
                case "Sequence" -> {
                    JsonElement list = object.get("processors");
                    if (list != null && list.isJsonArray()) {
                        JsonArray processors = list.getAsJsonArray();
                        for (int i = 0; i < processors.size(); i++) {
                            checkProcessor(processors.get(i), where + ".processors[" + i + "]");
                        }
                    }
                }
                default -> {}
            }
        }

        void checkTemplate(JsonObject template, String where) {
            JsonElement special = template.get("special_tokens");
            Set<String> defined = new HashSet<>();
            if (special != null && special.isJsonObject()) {
                for (var entry : special.getAsJsonObject().entrySet()) {
                    defined.add(entry.getKey());
                    JsonElement value = entry.getValue();
                    JsonElement ids =
                            value.isJsonObject() ? value.getAsJsonObject().get("ids") : null;
                    JsonElement pieces =
                            value.isJsonObject() ? value.getAsJsonObject().get("tokens") : null;
                    if (ids == null || !ids.isJsonArray() || pieces == null || !pieces.isJsonArray()) {
                        throw refuse("defines special token " + quote(entry.getKey()) + " in " + where
                                + " without its ids and tokens");
                    }
                    if (ids.getAsJsonArray().size() != pieces.getAsJsonArray().size()) {
                        throw refuse("defines special token " + quote(entry.getKey()) + " in " + where + " with "
                                + ids.getAsJsonArray().size() + " ids for "
                                + pieces.getAsJsonArray().size()
                                + " tokens");
                    }
                    for (JsonElement id : ids.getAsJsonArray()) {
                        if (!isNumber(id)) {
                            throw refuse("gives special token " + quote(entry.getKey()) + " in " + where + " the id "
                                    + abbreviate(id) + "; ids are whole numbers");
                        }
                        checkId(wholeNumber(id.getAsString(), "a special token's id"), where + ".special_tokens");
                    }
                }
            }
            for (String part : new String[] {"single", "pair"}) {
                JsonElement pieces = template.get(part);
                if (pieces == null || !pieces.isJsonArray()) {
                    continue;
                }
                for (JsonElement piece : pieces.getAsJsonArray()) {
                    JsonElement token =
                            piece.isJsonObject() ? piece.getAsJsonObject().get("SpecialToken") : null;
                    JsonElement id = token != null && token.isJsonObject()
                            ? token.getAsJsonObject().get("id")
                            : null;
                    if (id != null && isString(id) && !defined.contains(id.getAsString())) {
                        throw refuse("uses special token " + quote(id.getAsString()) + " in the " + part
                                + " template of " + where + ", but its special_tokens do not define it");
                    }
                }
            }
        }

        void checkPadding(JsonElement padding) {
            JsonElement id = padding.isJsonObject() ? padding.getAsJsonObject().get("pad_id") : null;
            if (id != null && isNumber(id)) {
                checkId(wholeNumber(id.getAsString(), "padding.pad_id"), "padding.pad_id");
            }
        }

        void checkTruncation(JsonElement truncation) {
            JsonElement max =
                    truncation.isJsonObject() ? truncation.getAsJsonObject().get("max_length") : null;
            if (max != null && isNumber(max)) {
                long length = wholeNumber(max.getAsString(), "truncation.max_length");
                if (length < 2) {
                    throw refuse("has truncation.max_length " + length
                            + "; it must leave room for two tokens (the special tokens)");
                }
            }
        }

        long wholeNumber(String text, String what) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw refuse(
                        "gives " + what + " the value " + abbreviate(new JsonPrimitive(text))
                                + "; it must be a whole number",
                        e);
            }
        }

        BadInputException refuse(String problem) {
            return refuse(problem, null);
        }

        BadInputException refuse(String problem, Throwable cause) {
            return new BadInputException(
                    "tokenizer file " + file + " is not a Hugging Face tokenizer.json Sluice can load: it " + problem,
                    cause);
        }

        BadInputException misfit(String problem) {
            return new BadInputException("tokenizer file " + file + " does not fit the model: it " + problem);
        }
    }

    /** Gson's message without its advice to read leniently and its troubleshooting link. */
    private static String gsonDetail(Exception e) {
        String message = String.valueOf(e.getMessage());
        String first = message.lines().findFirst().orElse(message);
        return first.replace(
                "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }

    private static String skipAsText(JsonReader json) throws IOException {
        return abbreviate(JsonParser.parseReader(json));
    }

    private static boolean isString(JsonElement element) {
        return element != null
                && element.isJsonPrimitive()
                && element.getAsJsonPrimitive().isString();
    }

    private static boolean isNumber(JsonElement element) {
        return element != null
                && element.isJsonPrimitive()
                && element.getAsJsonPrimitive().isNumber();
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case BEGIN_OBJECT -> "object";
            case BEGIN_ARRAY -> "list";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String quote(String text) {
        return abbreviate(new JsonPrimitive(text));
    }

    private static String abbreviate(JsonElement element) {
        String text = element.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
