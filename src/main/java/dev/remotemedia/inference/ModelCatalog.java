package dev.remotemedia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The small catalogue of standard public ONNX exports that `models pull NAME` knows
 * ({@code models/catalog.json} on the classpath). Checksums are optional: a file without one is
 * pinned at its first pull (see {@link ModelStore}).
 */
public final class ModelCatalog {
    /** One model: where its files come from and which files make it complete. */
    public record Entry(String name, String kind, String description, String baseUrl, List<String> files,
                        Map<String, String> sha256) {
        public String url(String file) { return baseUrl + file; }
    }

    private static final ModelCatalog BUNDLED = load();
    private final Map<String, Entry> entries;

    private ModelCatalog(Map<String, Entry> entries) {
        this.entries = entries;
    }

    public static ModelCatalog bundled() { return BUNDLED; }

    public List<Entry> entries() { return List.copyOf(entries.values()); }

    public Optional<Entry> find(String name) { return Optional.ofNullable(entries.get(name)); }

    /** The bundled catalogue plus (overriding by name) the entries of a catalogue file of the same format. */
    public static ModelCatalog withFile(Path file) {
        Map<String, Entry> entries = new LinkedHashMap<>(BUNDLED.entries);
        try (InputStream in = Files.newInputStream(file)) {
            entries.putAll(parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException("model catalogue " + file + ": " + e.getMessage(), e);
        }
        return new ModelCatalog(entries);
    }

    private static ModelCatalog load() {
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream("models/catalog.json")) {
            if (in == null) throw new IllegalStateException("models/catalog.json is missing from the classpath");
            return new ModelCatalog(parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Entry> parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonNode m : root.path("models")) {
            List<String> files = new ArrayList<>();
            m.path("files").forEach(f -> files.add(f.asText()));
            Map<String, String> sha = new LinkedHashMap<>();
            m.path("sha256").fields().forEachRemaining(e -> sha.put(e.getKey(), e.getValue().asText()));
            Entry e = new Entry(m.path("name").asText(), m.path("kind").asText(), m.path("description").asText(),
                    m.path("base_url").asText(), List.copyOf(files), Map.copyOf(sha));
            if (e.name().isBlank() || e.baseUrl().isBlank() || e.files().isEmpty()) {
                throw new IOException("entry " + m + " needs name, base_url and files");
            }
            entries.put(e.name(), e);
        }
        return entries;
    }
}
