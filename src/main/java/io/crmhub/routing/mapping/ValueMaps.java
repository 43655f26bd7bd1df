package io.crmhub.routing.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Value translation tables loaded from {@code mappings/}: the copies packaged in the jar, overridden per file by
 * {@code crmhub.mappings.override-dir} when that directory exists (an engineer fixes a table without rebuilding and
 * calls {@link #reload()} or restarts). A table that does not validate fails start-up naming the file and the reason.
 */
@Component
public class ValueMaps {
    private static final Logger log = LoggerFactory.getLogger(ValueMaps.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final MappingProperties properties;
    private volatile Map<String, ValueMap> tables = Map.of();

    public ValueMaps(MappingProperties properties) {
        this.properties = properties;
        reload();
    }

    public ValueMap table(String provider, String table) {
        ValueMap map = tables.get(provider + "/" + table);
        if (map == null) {
            throw new IllegalStateException("no value map " + provider + "/" + table + " in mappings/");
        }
        return map;
    }

    public String translate(String provider, String table, String code) {
        return table(provider, table).translate(code);
    }

    public Map<String, ValueMap> all() {
        return tables;
    }

    /** Re-reads every table; on a bad file the previous tables stay in force and the error is thrown. */
    public synchronized void reload() {
        Map<String, ValueMap> loaded = new TreeMap<>();
        try {
            Resource[] packaged = new PathMatchingResourcePatternResolver().getResources("classpath*:mappings/*/*.yaml");
            for (Resource resource : packaged) {
                try (InputStream in = resource.getInputStream()) {
                    put(loaded, parse(in, "classpath:mappings/" + parent(resource) + "/" + resource.getFilename()));
                }
            }
            Path dir = properties.overrideDir();
            if (dir != null && Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.find(dir, 2, (p, a) -> a.isRegularFile() && p.toString().endsWith(".yaml"))) {
                    for (Path file : files.sorted().toList()) {
                        try (InputStream in = Files.newInputStream(file)) {
                            put(loaded, parse(in, file.toString()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read value maps: " + e.getMessage(), e);
        }
        tables = Map.copyOf(loaded);
        log.info("Loaded {} value maps: {}", loaded.size(), loaded.keySet());
    }

    private static void put(Map<String, ValueMap> loaded, ValueMap map) {
        loaded.put(map.provider() + "/" + map.table(), map);
    }

    private static String parent(Resource resource) throws IOException {
        String url = resource.getURL().toString();
        String[] parts = url.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : "";
    }

    static ValueMap parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("value map " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("value map " + source + ": expected a mapping with provider, table, version, entries");
        }
        String provider = text(root, "provider", source);
        String table = text(root, "table", source);
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToInt() || version.asInt() < 1) {
            throw new IllegalStateException("value map " + source + ": 'version' must be a positive integer");
        }
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isObject() || entries.isEmpty()) {
            throw new IllegalStateException("value map " + source + ": 'entries' must be a non-empty mapping of code: value");
        }
        Map<String, String> values = new LinkedHashMap<>();
        entries.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalStateException("value map " + source + ": entry '" + e.getKey() + "' must map to a single value");
            }
            values.put(e.getKey(), e.getValue().asText());
        });
        String description = root.path("description").asText("");
        return new ValueMap(provider, table, version.asInt(), description, Map.copyOf(values), source);
    }

    private static String text(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new IllegalStateException("value map " + source + ": '" + field + "' is required");
        }
        return node.asText();
    }
}
