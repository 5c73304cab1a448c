/**
 * The quickstart behind {@code sluice demo} and {@code sluice ask}: a real corpus (the project's documentation and
 * Javadoc passages from the JDK's {@code src.zip}) embedded with all-MiniLM-L6-v2, saved as a jvector graph index in
 * a local folder, and a retrieval-augmented flow over it with a persistent result cache and an SQLite evidence
 * store in the same folder. {@link dev.sluice.examples.demo.DemoData} owns the folder,
 * {@link dev.sluice.examples.demo.AskFlow} is the flow, and
 * {@link dev.sluice.examples.demo.ExtractiveGenerator} answers when no language model is given.
 */
package dev.sluice.examples.demo;
