package io.crmhub.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connector secrets as configured: the value itself (from an environment variable) or {@code file:/path} to a file
 * holding it (a mounted secret). Shared by every connector, so "value or file" means the same everywhere.
 */
public final class SecretValues {
    public static final String FILE_PREFIX = "file:";

    private SecretValues() {
    }

    /**
     * @param name        the property, for the error (never the value)
     * @param valueOrFile the value, or {@code file:/path}; a file's content is returned as it is (PEM keeps its lines)
     * @throws IllegalStateException naming the property when the file cannot be read
     */
    public static String read(String name, String valueOrFile) {
        if (valueOrFile == null || !valueOrFile.startsWith(FILE_PREFIX)) {
            return valueOrFile;
        }
        try {
            return Files.readString(Path.of(valueOrFile.substring(FILE_PREFIX.length())));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(name + " names a file that cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@link #read}, then surrounding white space removed: for one-line secrets (API keys), where a file ends in a newline. */
    public static String readLine(String name, String valueOrFile) {
        String value = read(name, valueOrFile);
        return value == null ? null : value.strip();
    }
}
