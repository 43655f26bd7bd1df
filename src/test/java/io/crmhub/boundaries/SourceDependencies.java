package io.crmhub.boundaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which packages each source file refers to, read from the Java source rather than the bytecode: javac inlines
 * {@code static final} constants, so a module that uses only another's constants (header names, addresses) leaves no
 * trace in its class files, and bytecode checks (ArchUnit, Spring Modulith) miss that dependency and the cycle it can
 * close. Imports, static imports and fully qualified names all count; comments and string literals do not.
 */
final class SourceDependencies {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

    /** One reference: the file, its package and the package it refers to. */
    record Reference(Path file, String from, String to) {
    }

    private final String base;
    private final List<Reference> references;

    private SourceDependencies(String base, List<Reference> references) {
        this.base = base;
        this.references = references;
    }

    /** Reads every {@code .java} file under the roots; packages outside {@code base} are ignored. */
    static SourceDependencies scan(String base, Path... roots) {
        Pattern qualified = Pattern.compile("\\b(" + Pattern.quote(base) + "(?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z*]");
        List<Reference> references = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String source = Files.readString(file);
                    Matcher pkg = PACKAGE.matcher(source);
                    if (!pkg.find() || !pkg.group(1).startsWith(base)) {
                        continue;
                    }
                    Matcher ref = qualified.matcher(COMMENTS_AND_STRINGS.matcher(source).replaceAll(" "));
                    while (ref.find()) {
                        if (!ref.group(1).equals(pkg.group(1))) {
                            references.add(new Reference(file, pkg.group(1), ref.group(1)));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SourceDependencies(base, references);
    }

    /** The first package segment below the base: the module ({@code crm}, {@code events}, ...). */
    String module(String pkg) {
        String rest = pkg.length() > base.length() ? pkg.substring(base.length() + 1) : "";
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** {@code <category>.<provider>} for a package inside a provider ({@code connector.erp.sap...}), else null. */
    String provider(String pkg) {
        String prefix = base + ".connector.";
        if (!pkg.startsWith(prefix)) {
            return null;
        }
        String[] parts = pkg.substring(prefix.length()).split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : null;
    }

    /** Module → the modules it refers to. */
    Map<String, Set<String>> moduleGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Reference r : references) {
            String from = module(r.from());
            String to = module(r.to());
            graph.computeIfAbsent(from, m -> new TreeSet<>());
            if (!from.equals(to) && !to.isEmpty()) {
                graph.get(from).add(to);
                graph.computeIfAbsent(to, m -> new TreeSet<>());
            }
        }
        return graph;
    }

    /** Each cycle between modules once, as the modules on it in order (e.g. {@code [events, routing]}). */
    List<List<String>> moduleCycles() {
        Map<String, Set<String>> graph = moduleGraph();
        Set<List<String>> cycles = new LinkedHashSet<>();
        for (String start : graph.keySet()) {
            walk(graph, start, new ArrayList<>(List.of(start)), cycles);
        }
        return new ArrayList<>(cycles);
    }

    private static void walk(Map<String, Set<String>> graph, String start, List<String> path, Set<List<String>> cycles) {
        for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
            if (next.equals(start)) {
                cycles.add(canonical(path));
            } else if (!path.contains(next) && next.compareTo(start) > 0) {
                path.add(next);
                walk(graph, start, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    private static List<String> canonical(List<String> cycle) {
        return List.copyOf(cycle); // each cycle is found from its smallest module only (next > start), so once
    }

    /** References from one provider's package to another provider's: {@code file: sap -> kingdee}. */
    List<String> providerCrossings() {
        Map<String, String> crossings = new LinkedHashMap<>();
        for (Reference r : references) {
            String from = provider(r.from());
            String to = provider(r.to());
            if (from != null && to != null && !from.equals(to)) {
                crossings.putIfAbsent(r.file().getFileName() + ": " + from + " -> " + to, "");
            }
        }
        return new ArrayList<>(crossings.keySet());
    }

    /** Files of {@code fromModule} that refer to {@code toModule}. */
    List<String> referencesBetween(String fromModule, String toModule) {
        return references.stream().filter(r -> module(r.from()).equals(fromModule) && module(r.to()).equals(toModule))
                .map(r -> r.file().getFileName() + " -> " + r.to()).distinct().toList();
    }
}
