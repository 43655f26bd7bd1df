package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a sandbox keeps its records across restarts of the local run, so that they stay in step with the hub's own
 * database under the same data directory: one JSON file per sandbox, read when the sandbox starts and rewritten after
 * every change (a temp file moved over the old one, so a crash leaves the old state or the new one, never half of
 * one). With a file, changes run one at a time so that what is written is one consistent state. Without a file
 * (tests, benchmarks) the records live in memory only: no lock, nothing serialised.
 */
final class SandboxStore {
    private final Path file;
    private final Object lock = new Object();
    private Supplier<JsonNode> snapshot = () -> null;
    private String written;
    private boolean closed;

    private SandboxStore(Path file) {
        this.file = file;
    }

    static SandboxStore memoryOnly() {
        return new SandboxStore(null);
    }

    /** {@code <directory>/<name>.json}; a null directory keeps the records in memory only. */
    static SandboxStore in(Path directory, String name) {
        return directory == null ? memoryOnly() : new SandboxStore(directory.resolve(name + ".json"));
    }

    boolean persistent() {
        return file != null;
    }

    /** The records an earlier run saved, read with the sandbox's own mapper (e.g. exact decimals); empty: a fresh start. */
    Optional<JsonNode> load(ObjectMapper mapper) {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            written = text;
            return Optional.of(mapper.readTree(text));
        } catch (IOException e) {
            throw new IllegalStateException("Sandbox records in " + file + " cannot be read (" + e.getMessage()
                    + "); delete the file (or the whole data directory) to start afresh", e);
        }
    }

    /** What to write: the sandbox's whole state, as it restores it. */
    void snapshotWith(Supplier<JsonNode> snapshot) {
        this.snapshot = snapshot;
    }

    /** Runs a step that may change the records (a request, a timed step); with a file, saved before it returns. */
    <T> T change(Supplier<T> step) {
        if (file == null) {
            return step.get();
        }
        synchronized (lock) {
            try {
                return step.get();
            } finally {
                if (!closed) {
                    save();
                }
            }
        }
    }

    /** A stopped sandbox writes nothing more (a timer of the old one must not overwrite what its successor keeps). */
    void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    void change(Runnable step) {
        change(() -> {
            step.run();
            return null;
        });
    }

    /** Writes only when the state differs from what the file holds (most requests only read). */
    private void save() {
        String text = snapshot.get().toString();
        if (text.equals(written)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) { // a file system without it: replace, as close as it gets
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            written = text;
        } catch (IOException e) {
            throw new UncheckedIOException("Sandbox records cannot be written to " + file, e);
        }
    }
}
