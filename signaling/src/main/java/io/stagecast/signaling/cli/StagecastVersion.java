package io.stagecast.signaling.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version {@code stagecast --version} prints: the project version Maven writes into
 * {@code stagecast-version.properties} (src/main/resources-filtered), so it is right in the jar and in tests.
 */
public final class StagecastVersion implements CommandLine.IVersionProvider {

    static final String RESOURCE = "stagecast-version.properties";

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} if the resource is missing. */
    public static String version() {
        try (InputStream in = StagecastVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[]{"stagecast " + version(), "Java " + System.getProperty("java.version")};
    }
}
