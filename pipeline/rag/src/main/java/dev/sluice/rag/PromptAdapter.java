package dev.sluice.rag;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.Map;
import java.util.function.Function;

/** The adapter behind {@link RagNodes#prompt}: renders the template and reports it as a PROMPT link. */
final class PromptAdapter<T> implements Adapter<T, String> {
    private final PromptTemplate template;
    private final Function<? super T, Map<String, String>> variables;

    PromptAdapter(PromptTemplate template, Function<? super T, Map<String, String>> variables) {
        this.template = template;
        this.variables = variables;
    }

    @Override
    public String apply(T input, AdapterContext context) {
        Map<String, String> values = variables.apply(input);
        String prompt = template.render(values);
        context.evidence(
                EvidenceLink.Kind.PROMPT,
                template.id(),
                ContentHash.of(Schemas.string(), prompt).hex(),
                prompt,
                values);
        return prompt;
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public int maxConcurrency() {
        return 64;
    }
}
