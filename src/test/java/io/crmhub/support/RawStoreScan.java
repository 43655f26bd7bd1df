package io.crmhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a store holds, read around the hub: every row of every table as text, and the raw bytes of its files (H2's
 * database file; PostgreSQL's relation files, indexes and TOAST through {@code pg_read_binary_file}; the Artemis
 * journal). Text is looked for in UTF-8 and in UTF-16 (Artemis keeps message bodies as UTF-16).
 */
public final class RawStoreScan {
    private static final List<Charset> ENCODINGS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE);
    private final List<String> rows;
    private final List<byte[]> files;
    private final String description;

    private RawStoreScan(List<String> rows, List<byte[]> files, String description) {
        this.rows = rows;
        this.files = files;
        this.description = description;
    }

    /** The database the hub uses: its rows, and its files (H2 files under {@code h2Dir}, or PostgreSQL's own). */
    public static RawStoreScan database(JdbcClient jdbc, Path h2Dir) {
        List<String> rows = new ArrayList<>();
        List<String> tables = jdbc.sql("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = CURRENT_SCHEMA AND table_type IN ('BASE TABLE', 'TABLE')""").query(String.class).list();
        for (String table : tables) {
            jdbc.sql("SELECT * FROM \"" + table.replace("\"", "") + "\"").query(rs -> {
                StringBuilder row = new StringBuilder(table).append(':');
                for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                    row.append(rs.getString(c)).append('|');
                }
                rows.add(row.toString());
            });
        }
        List<byte[]> files = new ArrayList<>();
        if (TestDatabases.postgres()) {
            jdbc.sql("CHECKPOINT").update();
            List<String> paths = jdbc.sql("""
                    SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = CURRENT_SCHEMA AND c.relkind IN ('r', 'i')
                    UNION
                    SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = CURRENT_SCHEMA AND c.relkind = 'r' AND c.reltoastrelid <> 0""").query(String.class).list();
            for (String path : paths) {
                files.add(jdbc.sql("SELECT pg_read_binary_file(?)").param(path).query(byte[].class).single());
            }
            return new RawStoreScan(rows, files, tables.size() + " tables, " + rows.size() + " rows, " + files.size()
                    + " PostgreSQL relation files");
        }
        jdbc.sql("CHECKPOINT SYNC").update();
        RawStoreScan onDisk = files(h2Dir);
        return new RawStoreScan(rows, onDisk.files, tables.size() + " tables, " + rows.size() + " rows, " + onDisk.description);
    }

    /** Every file under {@code dir}. */
    public static RawStoreScan files(Path dir) {
        List<byte[]> files = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(p);
                bytes += content.length;
                files.add(content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RawStoreScan(List.of(), files, files.size() + " files, " + bytes + " bytes under " + dir);
    }

    public boolean inRows(String text) {
        return rows.stream().anyMatch(r -> r.contains(text));
    }

    public boolean inFiles(String text) {
        for (Charset cs : ENCODINGS) {
            byte[] needle = text.getBytes(cs);
            for (byte[] file : files) {
                if (indexOf(file, needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    public String describe() {
        return description;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (haystack[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
