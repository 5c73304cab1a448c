package dev.sluice.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The text of {@code sluice --version}: the project version, which Maven writes into
 * {@code sluice-version.properties} at build time (resource filtering), and the JVM that runs it.
 */
final class SluiceVersion implements IVersionProvider {
    private static final String RESOURCE = "sluice-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "sluice " + projectVersion(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }

    /** @return the version of the Sluice build this class belongs to, such as {@code 0.1.0-SNAPSHOT} */
    static String projectVersion() {
        try (InputStream in = SluiceVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path; build with Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (version.isEmpty() || version.contains("${")) {
                throw new IllegalStateException(
                        RESOURCE + " has no filtered version ('" + version + "'); build with Maven, which fills it in");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
