package io.crmhub.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds unmasked phone and identity numbers and e-mail addresses in captured log output. Independent of {@link PiiMasking}'s own patterns
 * on purpose: it looks for what a leak looks like (11-digit mainland mobiles, E.164 numbers, 18-character ID numbers),
 * however it got into a line.
 */
final class LogScan {
    private static final Pattern LEAK = Pattern.compile(String.join("|",
            "(?<![0-9A-Za-z])(?:\\+?86[ -]?)?1[3-9]\\d[ -]?\\d{4}[ -]?\\d{4}(?![0-9A-Za-z])",
            "(?<![0-9A-Za-z])\\+\\d{10,15}(?!\\d)",
            // (not JUnit's temp directories, junit-<random long>, which have 18 digits one run in ten)
            "(?<![0-9A-Za-z])(?<!junit-)\\d{17}[0-9Xx](?![0-9A-Za-z])",
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"));

    private static final Pattern MASKED = Pattern.compile("\\*{4,}");

    record Leak(Path file, int line, String match) {
    }

    record Report(int files, long lines, long maskedValues, List<Leak> leaks) {
    }

    private LogScan() {
    }

    static Report scan(List<Path> roots, String fileSuffix) {
        List<Leak> leaks = new ArrayList<>();
        int files = 0;
        long lines = 0;
        long masked = 0;
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<Path> logs;
            try (Stream<Path> walk = Files.walk(root)) {
                logs = walk.filter(p -> p.getFileName().toString().endsWith(fileSuffix)).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Path file : logs) {
                files++;
                List<String> content = read(file);
                for (int i = 0; i < content.size(); i++) {
                    String line = content.get(i);
                    lines++;
                    masked += MASKED.matcher(line).results().count();
                    Matcher m = LEAK.matcher(line);
                    while (m.find()) {
                        leaks.add(new Leak(file, i + 1, m.group()));
                    }
                }
            }
        }
        return new Report(files, lines, masked, leaks);
    }

    private static List<String> read(Path file) {
        try {
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\\R"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
