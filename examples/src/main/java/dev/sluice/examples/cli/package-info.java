/**
 * The {@code sluice} command line ({@code ./sluice} at the repository root), the first of the runnable programs in
 * {@code sluice-examples}: one executable for trying Sluice from a shell and for scripting.
 * {@link dev.sluice.examples.cli.SluiceCli} is the entry point.
 *
 * <p><b>Exit codes.</b> 0 success; 2 bad input, with one line on stderr and no stack trace (an option picocli cannot
 * parse, a missing argument, or a {@link dev.sluice.core.BadInputException} thrown by Sluice); 1 internal error,
 * with the message and the stack trace on stderr.
 *
 * <p><b>Adding a command.</b> Write a package-private class annotated with picocli's {@code @Command} that
 * implements {@code Callable<Integer>} (returning {@link dev.sluice.examples.cli.SluiceCli#EXIT_OK}), throw
 * {@code BadInputException} for input the user can correct, and list the class in the {@code subcommands} of
 * {@code SluiceCli}. A command with its own subcommands ({@code index build|search|info}, {@code gguf
 * inspect|write-tiny}) is a class whose {@code @Command} lists those in turn. Standard output carries the result
 * only, so that scripts can read it; everything else goes to standard error.
 */
package dev.sluice.examples.cli;
